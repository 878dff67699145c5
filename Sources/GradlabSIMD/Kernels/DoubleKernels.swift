#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif

/// Double loops over ``DoubleVector``. Element semantics follow GradlabMath's
/// `ScalarMath` exactly for everything but the transcendental functions
/// (see ``DoubleMath`` for their error bounds).
enum DoubleKernels: LaneKernels {
    typealias V = DoubleVector

    static func unary(_ op: LaneOperation, _ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
        switch op {
        case .negate: mapLanes(x, r, n, V.self) { -$0 }
        case .sin: mapLanes(x, r, n, V.self) { DoubleMath.sin($0) }
        case .cos: mapLanes(x, r, n, V.self) { DoubleMath.cos($0) }
        case .tan: mapLanes(x, r, n, V.self) { DoubleMath.tan($0) }
        case .exp: mapLanes(x, r, n, V.self) { DoubleMath.exp($0) }
        case .log: mapLanes(x, r, n, V.self) { DoubleMath.log($0) }
        case .sqrt: mapLanes(x, r, n, V.self) { $0.squareRoot() }
        case .abs: mapLanes(x, r, n, V.self) { V(bits: $0.bits & Int64.max) }
        case .tanh: mapLanes(x, r, n, V.self) { DoubleMath.tanh($0) }
        case .sigmoid: mapLanes(x, r, n, V.self) { DoubleMath.sigmoid($0) }
        case .relu: mapLanes(x, r, n, V.self) { $0.replacing(with: 0, where: $0 .< 0) }
        case .sign:
            mapLanes(x, r, n, V.self) { V(repeating: 0).replacing(with: 1, where: $0 .> 0).replacing(with: -1, where: $0 .< 0) }
        case .step: mapLanes(x, r, n, V.self) { V(repeating: 1).replacing(with: 0, where: $0 .<= 0) }
        case .sincos, .add, .subtract, .multiply, .divide, .power, .minimum, .maximum, .minimumGradient, .maximumGradient:
            preconditionFailure("not a one-result unary operation: \(op)")
        }
    }

    static func sincos(_ x: UnsafePointer<Double>, _ s: UnsafeMutablePointer<Double>, _ c: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i < n {
            let (sine, cosine) = DoubleMath.sincos(load(x + i, as: V.self))
            store(sine, s + i)
            store(cosine, c + i)
            i &+= V.scalarCount
        }
    }

    static func binary(_ op: LaneOperation, _ a: LaneValue<Double>, _ b: LaneValue<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) {
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

    static func sum(_ x: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc = SIMD16<Double>()
        var i = 0
        while i + 16 <= n {
            acc += load(x + i, as: SIMD16<Double>.self)
            i &+= 16
        }
        while i < n {
            acc[i & 15] += Double(x[i])
            i &+= 1
        }
        return foldSums(acc)
    }
}
