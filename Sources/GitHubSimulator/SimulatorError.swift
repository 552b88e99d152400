import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Why the simulator could not start.
public enum SimulatorError: Error, Equatable, CustomStringConvertible {
    /// `start` was called on a simulator that was already started.
    case alreadyStarted
    /// A socket call failed.
    case socket(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .alreadyStarted:
            "the simulator is already running; create a new one for another server"
        case .socket(let operation, let code):
            "the simulator could not \(operation): \(String(cString: strerror(code))); pick another port or free this one"
        }
    }
}
