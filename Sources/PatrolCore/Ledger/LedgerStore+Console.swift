extension LedgerStore {
    /// Opens the ledger for a command that writes it, telling the user on `console` when another run
    /// holds the lock and what is odd about the file.
    static func open(_ path: String, secret: String, command: String, console: Console) throws -> LedgerStore {
        let store = try LedgerStore(path: path, secret: secret, command: command) { holder in
            console.note("waiting for the ledger: \(path) is locked by \(holder.map { "\($0)" } ?? "another patrol run")")
        }
        for warning in store.warnings { console.error("warning: \(warning)") }
        return store
    }
}
