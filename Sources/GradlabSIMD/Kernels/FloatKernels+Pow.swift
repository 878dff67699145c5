#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif

/// ``FloatKernels``' pow loops: the general pow, a constant exponent's (half-integer
/// or any other) and a power pair's (``LaneOperation/powerPair``), each its
/// own function so that no loop grows past what the compiler inlines the
/// loads and stores into. `DoubleKernels+Pow.swift` mirrors this file.
extension FloatKernels {
    /// x^y lane by lane (``FloatMath/pow(_:_:)``; a constant exponent
    /// +-(m + 1/2), m in 0...3, through ``FloatMath/powHalfInteger(_:_:m:reciprocal:)``).
    @inline(never)
    static func powerLanes(_ a: LaneOperand<Float>, _ b: LaneOperand<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) {
        if b.isUniform, let m = DoubleMath.halfIntegerPower(Double(b[0])) {
            return halfIntegerPowerLanes(a, b, m: m, r, n)
        }
        if let kind = uniformExponent(b) {
            return uniformPowerLanes(a, b, kind, r, n)
        }
        var i = 0
        while i < n {
            store(FloatMath.pow(a.vector(at: i, as: V.self), b.vector(at: i, as: V.self)), r + i)
            i &+= V.scalarCount
        }
    }

    /// The kind of an exponent that takes the uniform pow: one value in
    /// every lane, finite, nonzero and not +-(m + 1/2) (those have
    /// ``halfIntegerPowerLanes(_:_:m:_:_:)``).
    @_transparent
    static func uniformExponent(_ b: LaneOperand<Float>) -> PowerExponent? {
        guard b.isUniform, DoubleMath.halfIntegerPower(Double(b[0])) == nil else { return nil }
        return PowerExponent(b[0])
    }

    /// x^y for a uniform, finite, nonzero y (``FloatMath/pow(regular:uniform:_:small:)``; a vector with a zero,
    /// infinite or NaN x through ``generalPower(_:_:)``),
    /// y and its two Double halves loaded once.
    @inline(never)
    static func uniformPowerLanes(
        _ a: LaneOperand<Float>, _ b: LaneOperand<Float>, _ kind: PowerExponent, _ r: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        let y = FloatMath.withHalves(b.vector(at: 0, as: V.self))
        if kind.small { uniformPowerLoop(SmallExponent.self, a, y, kind, r, n) } else { uniformPowerLoop(AnyExponent.self, a, y, kind, r, n) }
    }

    /// ``uniformPowerLanes(_:_:_:_:_:)``'s loop, specialized per exponent
    /// range (``ExponentRange``: a Bool argument was not folded, and the
    /// loop tested it per vector).
    @inline(never)
    static func uniformPowerLoop<Range: ExponentRange>(
        _: Range.Type,
        _ a: LaneOperand<Float>, _ y: (V, DoubleVector, DoubleVector), _ kind: PowerExponent, _ r: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        var i = 0
        while i < n {
            let x = a.vector(at: i, as: V.self)
            store(FloatMath.isRegularBase(x) ? FloatMath.pow(regular: x, uniform: y, kind, small: Range.small) : generalPower(x, y.0), r + i)
            i &+= V.scalarCount
        }
    }

    /// x^y for a uniform y = +-(m + 1/2) (``FloatMath/powHalfInteger(_:_:m:reciprocal:)``),
    /// a function of its own so that neither loop grows past what the
    /// compiler inlines the loads and stores into.
    @inline(never)
    static func halfIntegerPowerLanes(
        _ a: LaneOperand<Float>, _ b: LaneOperand<Float>, m: Int, _ r: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        let reciprocal = b[0] < 0
        var i = 0
        while i < n {
            store(FloatMath.powHalfInteger(a.vector(at: i, as: V.self), b.vector(at: i, as: V.self), m: m, reciprocal: reciprocal), r + i)
            i &+= V.scalarCount
        }
    }

    /// ``FloatMath/pow(_:_:)`` out of line: the uniform loops' rare vectors
    /// (inlined, the general pow made those loops too large for the
    /// compiler to inline their loads and stores, which then became shared
    /// symbols; see Benchmarks/check-kernel-symbols.sh).
    @inline(never)
    static func generalPower(_ x: V, _ y: V) -> V { FloatMath.pow(x, y) }

    /// x^y into `r` and x^z into `s`, x = a or |a| (`absolute`;
    /// ``LaneOperation/powerPair``): for uniform y and z that both take the
    /// uniform pow, one loop computing the base's logarithm once for both;
    /// else each through ``powerLanes(_:_:_:_:)``. The same bits either way.
    @inline(never)
    static func powerPair(
        _ a: LaneOperand<Float>, _ b: LaneOperand<Float>, _ c: LaneOperand<Float>, absolute: Bool, _ r: UnsafeMutablePointer<Float>,
        _ s: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        guard let yKind = uniformExponent(b), let zKind = uniformExponent(c) else {
            var base = a
            if absolute {  // |a| into s, both powers from there (the second in place)
                absLanes(a.base, s, n)
                base = LaneOperand(base: UnsafePointer(s), mask: -1)
            }
            powerLanes(base, b, r, n)
            powerLanes(base, c, s, n)
            return
        }
        // x's bits ANDed with this: |x| where the pair is of |a|.
        let keep = FloatBits(repeating: absolute ? Int32.max : -1)
        let y = FloatMath.withHalves(b.vector(at: 0, as: V.self)), z = FloatMath.withHalves(c.vector(at: 0, as: V.self))
        if yKind.small && zKind.small {
            powerPairLoop(SmallExponent.self, a, keep, y, yKind, z, zKind, r, s, n)
        } else {
            powerPairLoop(AnyExponent.self, a, keep, y, yKind, z, zKind, r, s, n)
        }
    }

    /// ``powerPair(_:_:_:_:_:_:)``'s loop, specialized per exponent range.
    @inline(never)
    static func powerPairLoop<Range: ExponentRange>(
        _: Range.Type,
        _ a: LaneOperand<Float>, _ keep: FloatBits, _ y: (V, DoubleVector, DoubleVector), _ yKind: PowerExponent, _ z: (V, DoubleVector, DoubleVector), _ zKind: PowerExponent,
        _ r: UnsafeMutablePointer<Float>, _ s: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        var i = 0
        while i < n {
            let x = V(bits: a.vector(at: i, as: V.self).bits & keep)
            let (p, q) = FloatMath.isRegularBase(x) ? FloatMath.pow(regular: x, uniform: y, yKind, and: z, zKind, small: Range.small)
                : (generalPower(x, y.0), generalPower(x, z.0))
            store(p, r + i)
            store(q, s + i)
            i &+= V.scalarCount
        }
    }
}
