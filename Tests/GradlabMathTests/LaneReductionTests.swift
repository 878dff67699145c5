import Testing
@testable import GradlabMath

/// `LaneReductions` with every kernel set this CPU has, against plain loops:
/// extremes exactly, sums to rounding (they add in 16 running sums), on
/// lengths that are and are not whole vectors, with NaN and infinities.
@Suite("Lane reductions")
struct LaneReductionTests {
    static func values<T: ProgramScalar>(_ count: Int, _ type: T.Type) -> [T] {
        var state: UInt64 = 12345
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return T(Double(state >> 11) * 0x1p-53 * 200 - 100)
        }
    }

    @Test(arguments: [0, 1, 15, 16, 17, 1000, 1024])
    func matchPlainLoops(count: Int) {
        check(Float.self, count)
        check(Double.self, count)
    }

    private func check<T: ProgramScalar>(_ type: T.Type, _ count: Int) {
        let a = Self.values(count, T.self), b = Self.values(count + 7, T.self).suffix(count).map { $0 }
        let sum = a.reduce(0.0) { $0 + Double($1) }
        let squares = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.0) + Double($1.1) * Double($1.1) }
        for level in SIMDLevel.available {
            a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in
                    guard let x = x.baseAddress ?? UnsafePointer(bitPattern: 64), let y = y.baseAddress ?? UnsafePointer(bitPattern: 64) else { return }
                    #expect(abs(T._sum(x, count, level) - sum) <= 1e-12 * max(1, abs(sum)), "\(T.self) \(level)")
                    #expect(abs(T._sumOfSquares(x, y, count, level) - squares) <= 1e-12 * max(1, squares), "\(T.self) \(level)")
                    let extremes = T._extremes(x, count, level)
                    #expect(extremes.min == (a.min() ?? .infinity), "\(T.self) \(level)")
                    #expect(extremes.max == (a.max() ?? -.infinity), "\(T.self) \(level)")
                    #expect(!extremes.sawNaN)
                }
            }
        }
    }

    @Test(arguments: [0, 5, 16, 21, 999])
    func nanIsReportedAndSkipped(at index: Int) {
        var x = Self.values(1000, Float.self)
        x[index] = .nan
        x[(index + 500) % 1000] = -.infinity
        let numbers = x.filter { !$0.isNaN }
        for level in SIMDLevel.available {
            let extremes = x.withUnsafeBufferPointer { Float._extremes($0.baseAddress!, 1000, level) }
            #expect(extremes.sawNaN, "\(level)")
            #expect(extremes.min == -.infinity && extremes.max == numbers.max(), "\(level)")
            #expect(x.withUnsafeBufferPointer { Float._sum($0.baseAddress!, 1000, level) }.isNaN)
        }
    }

    /// The public entry points use the active level.
    @Test func publicEntryPointsUseTheActiveLevel() {
        let x = Self.values(100, Double.self)
        x.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            #expect(LaneReductions.sum(base, count: 100) == Double._sum(base, 100, SIMDLevel.active))
            #expect(LaneReductions.extremes(base, count: 100) == Double._extremes(base, 100, SIMDLevel.active))
            #expect(LaneReductions.sumOfSquares(base, base, count: 100) == Double._sumOfSquares(base, base, 100, SIMDLevel.active))
        }
    }
}
