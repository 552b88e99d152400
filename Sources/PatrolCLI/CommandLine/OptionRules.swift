/// What the options of one group say together, checked after every option is read: a combination that would leave one
/// of them unread or contradict another is a usage error. The parser checks the groups in ``OptionGroup/allCases`` order.

extension GlobalOptions {
    public func check(given: Set<String>, command: CommandName) throws(UsageError) {
        if quiet, verbose { throw .conflictingOptions("--quiet", "--verbose", command: command) }
    }
}

extension TokenOptions {
    /// Exactly one token source (spec §3.1): two explicit ones would silently leave one unread.
    public func check(given: Set<String>, command: CommandName) throws(UsageError) {
        let sources = [fromStandardInput ? "--token-stdin" : nil, environmentVariable.map { _ in "--token-env" },
                       filePath.map { _ in "--token-file" }].compactMap { $0 }
        if sources.count > 1 { throw .conflictingOptions(sources[0], sources[1], command: command) }
    }
}

extension RotateOptions {
    public func check(given: Set<String>, command: CommandName) throws(UsageError) {
        if let _ = oldTokenEnvironmentVariable, let _ = oldTokenFilePath {
            throw .conflictingOptions("--old-token-env", "--old-token-file", command: command)
        }
        if revokeOld, oldTokenEnvironmentVariable == nil, oldTokenFilePath == nil {
            throw .missingRequirement(option: "--revoke-old",
                                      needs: "the old token: --old-token-env NAME or --old-token-file PATH",
                                      command: command)
        }
        if !revokeOld, let given = oldTokenEnvironmentVariable.map({ _ in "--old-token-env" }) ?? oldTokenFilePath.map({ _ in "--old-token-file" }) {
            // The old token is read only to revoke it; silently ignoring it would leave the user thinking it was.
            throw .missingRequirement(option: given, needs: "--revoke-old (the old token is only read to revoke it)", command: command)
        }
    }
}

extension ExpiryOptions {
    public func check(given: Set<String>, command: CommandName) throws(UsageError) {
        if let warnDays, let criticalDays, criticalDays > warnDays {
            throw .invalidValue(option: "--critical-days", value: String(criticalDays),
                                expected: "at most --warn-days (\(warnDays))", command: command)
        }
    }
}

extension DoctorOptions {
    public func check(given: Set<String>, command: CommandName) throws(UsageError) {
        if given.contains("--wait"), !sendTestEvent {
            throw .missingRequirement(option: "--wait", needs: "--send-test-event (it is how long to wait for the test event's run)",
                                      command: command)
        }
    }
}
