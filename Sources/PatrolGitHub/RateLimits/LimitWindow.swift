import FoundationEssentials

/// `PATROL_LIMIT_WINDOW`: the seconds over which GitHub counts its 900 points (60, its minute).
///
/// For a server whose limits run on another clock: patrol's benchmark runs GitHub's limits 25 times faster against
/// its simulator and sets 2.4; `0` counts no points (a GitHub Enterprise Server whose administrator turned the
/// secondary limits off). Uploads keep their own pace, `--write-rate`.
public enum LimitWindow {
    public static let variable = "PATROL_LIMIT_WINDOW"
    /// The longest window accepted: an hour.
    public static let maximum: TimeInterval = 3_600

    /// The window `environment` sets: nil when the variable is unset or empty (GitHub's 60 s apply).
    /// - Throws: ``LimitWindowError`` when it is not a number of seconds from 0 to ``maximum``.
    public static func seconds(in environment: [String: String]) throws(LimitWindowError) -> TimeInterval? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= maximum else { throw LimitWindowError(value: text) }
        return seconds
    }
}

/// `PATROL_LIMIT_WINDOW` holds something other than a number of seconds from 0 to 3600.
public struct LimitWindowError: Error, Equatable, CustomStringConvertible {
    public let value: String

    public var description: String {
        "\(LimitWindow.variable)=\(value) is not a number of seconds from 0 to \(Int(LimitWindow.maximum)): "
            + "set it to the window GitHub's points limit is counted over (60), or unset it"
    }
}
