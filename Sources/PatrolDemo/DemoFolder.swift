import FoundationEssentials
import Dispatch
import Glibc
import PatrolSupport
import PatrolCore

/// The demo's temporary folder, which holds its ledger, and the folder's removal on every way out of the demo.
///
/// Ctrl-C ends the demo abruptly: the signal's thread removes the folder while the demo's tasks still run, and one
/// of them may be writing the ledger. A write that lands after the removal makes the folder again (the ledger
/// creates its folder), and the demo would leave it behind. So ``remove()`` first closes the ledger, which waits for
/// a write under way and refuses every later one, and a ledger is never opened here once the removal has begun.
final class DemoFolder: Sendable {
    /// The folder's path.
    let path: String

    private struct State {
        /// The ledger while the demo uses it; nil before it is opened and after its scope ended.
        var store: LedgerStore?
        var removing = false
    }

    private let state = Locked(State())

    init(path: String) {
        self.path = path
    }

    /// The folder a process's demo uses: `patrol-demo-<pid>` in the temporary directory.
    static func forThisProcess() -> DemoFolder {
        DemoFolder(path: FileManager.default.temporaryDirectory.appendingPathComponent("patrol-demo-\(getpid())").path)
    }

    /// The ledger's path, `ledger.json` in the folder.
    var ledgerPath: String { path + "/ledger.json" }

    /// Opens the demo's ledger in the folder (making the folder), runs `body` with it and releases it.
    /// Throws ``Removed`` instead once ``remove()`` has begun.
    func withLedger<Result>(secret: String, _ body: (LedgerStore) async throws -> Result) async throws -> Result {
        defer { state.withLock { $0.store = nil } }
        return try await LedgerStore.withStore({
            // Under the lock, so that a removal either sees this store or finds the demo stopping before it is made.
            try state.withLock { (state: inout State) throws -> LedgerStore in
                guard !state.removing else { throw Removed(path: path) }
                let store = try LedgerStore(path: ledgerPath, secret: secret, command: "patrol demo")
                state.store = store
                return store
            }
        }, body)
    }

    /// Closes the ledger, if the demo still has it open, and removes the folder with everything in it.
    ///
    /// While a ledger is open this blocks its thread until a write under way has finished: it is meant for the
    /// signal's own thread (``InterruptSignals``), or for after ``withLedger(secret:_:)`` has returned, when there is
    /// nothing to wait for.
    func remove() {
        let store = state.withLock { state -> LedgerStore? in
            state.removing = true
            return state.store
        }
        if let store {
            let closed = DispatchSemaphore(value: 0)
            Task.detached {
                await store.close(because: "the demo was interrupted and removes its temporary folder")
                closed.signal()
            }
            closed.wait()
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The demo was stopped before it opened its ledger.
    struct Removed: Error, CustomStringConvertible {
        let path: String

        var description: String {
            "patrol demo was interrupted before it opened its ledger in \(path); run patrol demo again"
        }
    }
}
