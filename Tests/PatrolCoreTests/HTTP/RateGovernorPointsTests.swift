import Foundation
import Testing
@testable import PatrolHTTP
@testable import PatrolGitHub

/// The governor's points window (GitHub: 900 points a minute, a read 1, a write 5), driven by a virtual clock: time
/// moves only when the governor says to wait, so nothing here depends on how fast the machine is.
@Suite("RateGovernor points: reads and writes paced under GitHub's points limit")
struct RateGovernorPointsTests {
    static let start: TimeInterval = 1_800_000_000

    /// Sends `kinds` (true: a write) one after another as soon as the governor allows, up to `concurrent` in flight
    /// (each answered when the next would not fit), and returns each request's send time relative to the start.
    static func send(_ kinds: [Bool], settings: RateGovernor.Settings, concurrent: Int = 20) -> [TimeInterval] {
        var governor = RateGovernor(settings, now: start)
        var now = start
        var times: [TimeInterval] = []
        var inFlight = 0
        for write in kinds {
            var ticket: RateGovernor.Ticket?
            sending: while true {
                if inFlight == concurrent {
                    governor.finished()
                    inFlight -= 1
                }
                switch governor.admit(write: write, ticket: &ticket, at: now) {
                case .send:
                    inFlight += 1
                    times.append(now - start)
                    break sending
                case .wait(let until):
                    #expect(until > now)
                    now = until
                case .full:
                    governor.finished()
                    inFlight -= 1
                }
            }
        }
        return times
    }

    /// The most points spent inside any window of `window` seconds.
    static func peakPoints(_ times: [TimeInterval], _ kinds: [Bool], window: TimeInterval) -> Int {
        var peak = 0
        for time in times {
            let inside = times.indices.filter { times[$0] >= time && times[$0] < time + window }
            peak = max(peak, inside.reduce(0) { $0 + (kinds[$1] ? 5 : 1) })
        }
        return peak
    }

    @Test("1,000 reads: 810 go at once (90 % of 900), the rest when the window has passed, never 900 points in a minute")
    func thousandReads() {
        let kinds = [Bool](repeating: false, count: 1_000)
        let times = Self.send(kinds, settings: RateGovernor.Settings())
        #expect(times.filter { $0 == 0 }.count == 810)
        #expect(times.last == 60)
        #expect(Self.peakPoints(times, kinds, window: 60) <= 900)
    }

    @Test("100 reads fit the budget: none waits")
    func hundredReads() {
        let times = Self.send([Bool](repeating: false, count: 100), settings: RateGovernor.Settings())
        #expect(times.allSatisfy { $0 == 0 })
    }

    @Test("writes cost 5 points: reads and writes together stay under the budget, on a window of another length")
    func mixed() {
        // A rollout's shape beside a fast write rate: key, PUT, read-back per repository; the window 2.4 s as the
        // benchmark sets it for the simulator.
        let kinds = (0..<400).flatMap { _ in [false, true, false] }
        let settings = RateGovernor.Settings(writeRate: 1_000, writeBurst: 1_000, pointsWindow: 2.4)
        let times = Self.send(kinds, settings: settings)
        #expect(Self.peakPoints(times, kinds, window: 2.4) <= 810)
        #expect(times.last! <= 4 * 2.4)
    }

    @Test("a window of 0 counts no points: everything goes at once")
    func off() {
        let times = Self.send([Bool](repeating: false, count: 2_000), settings: RateGovernor.Settings(pointsWindow: 0))
        #expect(times.allSatisfy { $0 == 0 })
    }

    @Test("PATROL_LIMIT_WINDOW: seconds from 0 to 3600, else an error naming the variable and the fix")
    func window() throws {
        #expect(try LimitWindow.seconds(in: [:]) == nil)
        #expect(try LimitWindow.seconds(in: ["PATROL_LIMIT_WINDOW": ""]) == nil)
        #expect(try LimitWindow.seconds(in: ["PATROL_LIMIT_WINDOW": "2.4"]) == 2.4)
        #expect(try LimitWindow.seconds(in: ["PATROL_LIMIT_WINDOW": "0"]) == 0)
        for bad in ["-1", "abc", "3601", "nan"] {
            #expect(throws: LimitWindowError(value: bad)) { try LimitWindow.seconds(in: ["PATROL_LIMIT_WINDOW": bad]) }
        }
        #expect(LimitWindowError(value: "x").description.contains("PATROL_LIMIT_WINDOW=x"))
    }
}
