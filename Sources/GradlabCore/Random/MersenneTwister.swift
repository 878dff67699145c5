/// MT19937 with NumPy's legacy `RandomState` draws on top of it.
///
/// gradlab's own seeded randomness follows `numpy.random.RandomState(seed)`
/// exactly, so any default data or start points can be reproduced in Python:
/// `np.random.seed(s); np.random.rand(n, 2)` gives the same numbers as
/// ``uniform()`` drawn n*2 times here. scikit-learn's `train_test_split`
/// draws its permutation from the same generator.
///
/// ```swift
/// var rng = MersenneTwister(seed: 42)
/// let order = rng.permutation(50)   // == np.random.RandomState(42).permutation(50)
/// ```
public struct MersenneTwister: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624
    private var cachedGauss: Double?

    /// Seeds like NumPy's legacy `RandomState(seed)` for an integer seed
    /// (`init_genrand`).
    public init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            let previous = state[i - 1]
            state[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
    }

    /// The next raw 32-bit output (`genrand_int32`).
    public mutating func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Uniform in [0, 1) with 53 random bits (`random_sample`, `rand`).
    public mutating func uniform() -> Double {
        let a = Double(nextUInt32() >> 5)
        let b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// A standard normal draw by NumPy's legacy polar method (`standard_normal`,
    /// `randn`): each rejection loop yields two values; the second is cached.
    public mutating func standardNormal() -> Double {
        if let gauss = cachedGauss {
            cachedGauss = nil
            return gauss
        }
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2.0 * uniform() - 1.0
            x2 = 2.0 * uniform() - 1.0
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1.0 || r2 == 0.0
        let f = (-2.0 * _log(r2) / r2).squareRoot()
        cachedGauss = f * x1
        return f * x2
    }

    /// A uniform integer in 0...max by masked rejection (`random_interval`).
    public mutating func interval(_ max: UInt32) -> UInt32 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        var value: UInt32
        repeat { value = nextUInt32() & mask } while value > max
        return value
    }

    /// `RandomState.permutation(n)`: a Fisher–Yates shuffle of 0..<n from the end.
    public mutating func permutation(_ n: Int) -> [Int] {
        var values = Array(0..<n)
        var i = n - 1
        while i >= 1 {
            let j = Int(interval(UInt32(i)))
            values.swapAt(i, j)
            i -= 1
        }
        return values
    }

    private mutating func twist() {
        let upper: UInt32 = 0x8000_0000, lower: UInt32 = 0x7FFF_FFFF
        for i in 0..<624 {
            let y = (state[i] & upper) | (state[(i + 1) % 624] & lower)
            var next = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_B0DF }
            state[i] = next
        }
        index = 0
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
#else
import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
#endif
