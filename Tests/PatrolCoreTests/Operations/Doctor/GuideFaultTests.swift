import Foundation
import GitHubSimulator
import Testing
@testable import PatrolSupport
@testable import PatrolSecrets
@testable import PatrolHTTP
@testable import PatrolGitHub
@testable import PatrolCore
@testable import PatrolCLI

/// Every fault the setup guide's troubleshooting section names, planted one at a time in a fleet wired as
/// the guide describes and holding the token: the right check reports it, with a fix, and doctor exits 1.
@Suite("doctor: the guide's troubleshooting faults")
struct GuideFaultTests {
    enum Fault: String, CaseIterable, CustomTestStringConvertible {
        // "Bad credentials" error
        case expired, revoked, missingWorkflowScope, secretNotSet
        // Events not received
        case noPlatformRuns, misspeltRepository, noPushAccess
        // Workflow not triggering
        case typesMismatch, typeTypo, handlerNotOnMain, handlerSyntaxError, handlerDisabled, handlerDisabledByInactivity

        var testDescription: String { rawValue }

        /// The checks that must fail, and nothing else.
        var failing: Set<String> {
            switch self {
            case .expired, .revoked: ["token.valid"]
            case .missingWorkflowScope: ["token.scopes"]
            case .secretNotSet: ["secret.present@garrick0/c3-bff"]
            case .noPlatformRuns: ["dispatch.live"]
            case .misspeltRepository: ["dispatch.target@garrick0/c3-parsing"]
            case .noPushAccess: ["platform.access"]
            case .typesMismatch, .typeTypo, .handlerSyntaxError: ["platform.handler.types"]
            case .handlerNotOnMain: ["platform.handler"]
            case .handlerDisabled, .handlerDisabledByInactivity: ["platform.handler.state"]
            }
        }

        /// What the failing check's detail must say.
        var says: String {
            switch self {
            case .expired, .revoked: "401 \"Bad credentials\""
            case .missingWorkflowScope: "missing scope: workflow"
            case .secretNotSet: "PAT_TOKEN is not set"
            case .noPlatformRuns: "no run of handle-events.yml appeared within 3 s"
            case .misspeltRepository: "line 39: `repository: garrick0/c3-platfrom` — dispatches to garrick0/c3-platfrom, not garrick0/c3-platform"
            case .noPushAccess: "can only read garrick0/c3-platform"
            case .typesMismatch: "do not include build_failed"
            case .typeTypo: "line 6: `type: [dependency_updated, build_completed, build_failed]`"
            case .handlerNotOnMain: "is not on the default branch main"
            case .handlerSyntaxError: "could not read line 6"
            case .handlerDisabled: "is disabled_manually"
            case .handlerDisabledByInactivity: "is disabled_inactivity"
            }
        }

        func plant(in simulator: GitHubSimulator, token: String) {
            let platform = FleetHarness.platform, handler = FleetHarness.handler
            let handlerText = simulator.file(handler, in: platform)!
            switch self {
            case .expired: simulator.setExpiry(Date().addingTimeInterval(-60), for: token)
            case .revoked: simulator.revokeToken(token)
            case .missingWorkflowScope: simulator.setScopes(["repo"], for: token)
            case .secretNotSet: simulator.deleteSecret("PAT_TOKEN", in: "garrick0/c3-bff")
            case .noPlatformRuns: simulator.setActionsEnabled(false, in: platform)
            case .misspeltRepository:
                let path = ".github/workflows/publish.yml"
                let text = simulator.file(path, in: "garrick0/c3-parsing")!
                simulator.setFile(path, content: text.replacingOccurrences(of: "repository: garrick0/c3-platform", with: "repository: garrick0/c3-platfrom"),
                                  in: "garrick0/c3-parsing")
            case .noPushAccess: simulator.setPermission(.read, on: platform, for: token)
            case .typesMismatch:
                simulator.setFile(handler, content: handlerText.replacingOccurrences(of: ", build_failed]", with: "]"), in: platform)
            case .typeTypo:
                simulator.setFile(handler, content: handlerText.replacingOccurrences(of: "types:", with: "type:"), in: platform)
            case .handlerNotOnMain:
                simulator.removeFile(handler, in: platform)
                simulator.setFile(handler, content: handlerText, in: platform, ref: "phase-2")
            case .handlerSyntaxError:
                simulator.setFile(handler, content: handlerText.replacingOccurrences(of: "build_failed]", with: "build_failed"), in: platform)
            case .handlerDisabled: simulator.setWorkflowState(.disabledManually, of: handler, in: platform)
            case .handlerDisabledByInactivity: simulator.setWorkflowState(.disabledInactivity, of: handler, in: platform)
            }
        }
    }

    @Test("each fault is reported by the right check, with a fix; doctor exits 4 for the credential's own faults, else 1",
          arguments: Fault.allCases)
    func fault(_ fault: Fault) async throws {
        let fleet = try FleetHarness()
        let token = fleet.mint()
        try await fleet.rolledOut(token)
        fault.plant(in: fleet.simulator, token: token)
        var options = DoctorOptions()
        options.sendTestEvent = true
        options.waitSeconds = 3
        let report = try await fleet.doctor(token, options: options)
        // Spec §3.2: a rejected, expired or under-scoped credential is exit 4 in every command, doctor included.
        let credential = report.ids(.fail).contains { DoctorReport.credentialChecks.contains($0) }
        #expect(report.exitCode == (credential ? .critical : .failure))
        #expect(credential == [.expired, .revoked, .missingWorkflowScope].contains(fault), "\(fault)")
        #expect(report.ids(.fail) == fault.failing, "\(report.checks.filter { $0.status == .fail })")
        let failed = report.checks.filter { $0.status == .fail }
        #expect(failed.allSatisfy { $0.fix?.isEmpty == false })
        #expect(failed.contains { $0.detail.contains(fault.says) }, "\(failed.map(\.detail))")
        // Whatever depends on a failed check is skipped, never failed again; and skips say why.
        #expect(report.checks.filter { $0.status == .skip }.allSatisfy { $0.detail.hasPrefix("skipped: ") && $0.fix != nil })
    }
}
