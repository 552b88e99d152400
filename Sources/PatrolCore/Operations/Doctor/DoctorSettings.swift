import FoundationEssentials
import PatrolGitHub

/// What a ``Doctor`` run does beyond its read-only checks: whether it sends a live test event, which event
/// type, and how long it waits for the handler's run. The command line fills it from `--send-test-event`,
/// `--event-type`, `--wait` and `--targets`.
public struct DoctorSettings: Sendable, Equatable {
    /// Send a `repository_dispatch` test event and wait for the handler's run.
    public var sendTestEvent: Bool
    /// The test event's type; nil uses the first of `platform.eventTypes`.
    public var eventType: String?
    /// How long to wait for the handler's run, in seconds.
    public var waitSeconds: Int
    /// `--targets`: the kinds of secret target whose checks run; nil for every kind the config has.
    public var kinds: Set<SecretTargetKind>?

    public init(sendTestEvent: Bool = false, eventType: String? = nil, waitSeconds: Int = 60, kinds: Set<SecretTargetKind>? = nil) {
        self.sendTestEvent = sendTestEvent
        self.eventType = eventType
        self.waitSeconds = waitSeconds
        self.kinds = kinds
    }

    /// Whether the checks of `kind`'s targets run.
    public func checks(_ kind: SecretTargetKind) -> Bool { kinds?.contains(kind) ?? true }
}
