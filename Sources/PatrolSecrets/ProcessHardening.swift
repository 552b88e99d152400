import FoundationEssentials
import Glibc

/// Process-wide settings that keep the token out of places it could leak to.
public enum ProcessHardening {
    /// Sets the core-dump size limit to zero (soft and hard), so a crash never writes the token's memory to disk.
    /// Returns false when the system refused, which leaves the previous limit in place.
    @discardableResult
    public static func disableCoreDumps() -> Bool {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        #if os(Linux)
        return setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &limit) == 0
        #else
        return setrlimit(RLIMIT_CORE, &limit) == 0
        #endif
    }
}
