#if canImport(Glibc)
import Glibc
#endif

/// glibc's allocator, set for a short-lived process whose peak memory counts (spec §8: ≤ 30 MiB at 1,000
/// repositories, flat in the fleet's size; docs/benchmarks.md).
///
/// By default glibc gives each thread that allocates its own arena (patrol's cooperative threads, the curl thread),
/// and raises its mmap threshold after the first large block is freed, so the ledger's and the report's transient
/// buffers at the end of a run land in arenas and stay resident. One arena, and large blocks always mapped (and so
/// returned the moment they are freed), measured about 1 MiB less at 1,000 repositories.
///
/// glibc fixes how many arenas it allows the first time a thread needs one of its own, so this must run before
/// any thread but the main one exists: the executable calls it first thing, before the async entry point starts
/// the cooperative threads (run later, the limit was already 8 per CPU and every worker kept its own arena).
package enum MallocTuning {
    /// `mallopt`'s parameters, from glibc's `<malloc.h>` (which Swift's Glibc module does not import).
    private static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3, arenaMax: Int32 = -8

    package static func apply() {
        #if canImport(Glibc)
        // why dlsym and unsafeBitCast: mallopt is declared in <malloc.h>, outside the Glibc module; the symbol is
        // glibc's `int mallopt(int, int)`, called through a C function pointer of exactly that type. Absent (not glibc),
        // nothing is changed.
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        // Each call only sets a limit of the allocator; a refusal (0) leaves glibc's default, which is still correct.
        _ = mallopt(arenaMax, 1)
        _ = mallopt(mmapThreshold, 64 << 10)
        _ = mallopt(trimThreshold, 128 << 10)
        #endif
    }
}
