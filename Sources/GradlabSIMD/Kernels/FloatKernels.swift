#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif

/// Float loops over ``FloatVector``. Element semantics follow GradlabMath's
/// `ScalarMath` exactly for everything but the transcendental functions
/// (see ``FloatMath`` for their error bounds).
enum FloatKernels: LaneKernels {
    typealias V = FloatVector

    static func unary(_ op: LaneOperation, _ x: UnsafePointer<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) {
        switch op {
        case .negate: mapLanes(x, r, n, V.self) { -$0 }
        case .sin: mapLanes(x, r, n, V.self) { FloatMath.sin($0) }
        case .cos: mapLanes(x, r, n, V.self) { FloatMath.cos($0) }
        case .tan: mapLanes(x, r, n, V.self) { FloatMath.tan($0) }
        case .exp: mapLanes(x, r, n, V.self) { FloatMath.exp($0) }
        case .log: mapLanes(x, r, n, V.self) { FloatMath.log($0) }
        case .sqrt: mapLanes(x, r, n, V.self) { $0.squareRoot() }
        case .abs: mapLanes(x, r, n, V.self) { V(bits: $0.bits & Int32.max) }
        case .tanh: mapLanes(x, r, n, V.self) { FloatMath.tanh($0) }
        case .sigmoid: mapLanes(x, r, n, V.self) { FloatMath.sigmoid($0) }
        case .relu: mapLanes(x, r, n, V.self) { $0.replacing(with: 0, where: $0 .< 0) }
        case .sign:
            mapLanes(x, r, n, V.self) { V(repeating: 0).replacing(with: 1, where: $0 .> 0).replacing(with: -1, where: $0 .< 0) }
        case .step: mapLanes(x, r, n, V.self) { V(repeating: 1).replacing(with: 0, where: $0 .<= 0) }
        case .sincos, .add, .subtract, .multiply, .divide, .power, .minimum, .maximum, .minimumGradient, .maximumGradient:
            preconditionFailure("not a one-result unary operation: \(op)")
        }
    }

    static func sincos(_ x: UnsafePointer<Float>, _ s: UnsafeMutablePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i < n {
            let (sine, cosine) = FloatMath.sincos(load(x + i, as: V.self))
            store(sine, s + i)
            store(cosine, c + i)
            i &+= V.scalarCount
        }
    }

    static func binary(_ op: LaneOperation, _ a: LaneValue<Float>, _ b: LaneValue<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) {
        switch op {
        case .add: zipLanes(a, b, r, n, V.self) { $0 + $1 }
        case .subtract: zipLanes(a, b, r, n, V.self) { $0 - $1 }
        case .multiply: zipLanes(a, b, r, n, V.self) { $0 * $1 }
        case .divide: zipLanes(a, b, r, n, V.self) { $0 / $1 }
        case .power: powLanes(a, b, r, n) { libmPow($0, $1) }
        case .minimum: zipLanes(a, b, r, n, V.self) { $1.replacing(with: $0, where: ($0 .< $1) .| ($0 .!= $0)) }
        case .maximum: zipLanes(a, b, r, n, V.self) { $1.replacing(with: $0, where: ($0 .> $1) .| ($0 .!= $0)) }
        case .minimumGradient:
            zipLanes(a, b, r, n, V.self) { V(repeating: 1).replacing(with: 0, where: $0 .> $1).replacing(with: 0.5, where: $0 .== $1) }
        case .maximumGradient:
            zipLanes(a, b, r, n, V.self) { V(repeating: 1).replacing(with: 0, where: $0 .< $1).replacing(with: 0.5, where: $0 .== $1) }
        default:
            preconditionFailure("not a binary operation: \(op)")
        }
    }

    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        var acc = SIMD16<Double>()
        var i = 0
        while i + 16 <= n {
            acc += SIMD16<Double>(load(x + i, as: SIMD16<Float>.self))
            i &+= 16
        }
        while i < n {
            acc[i & 15] += Double(x[i])
            i &+= 1
        }
        return foldSums(acc)
    }
}
