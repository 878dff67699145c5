#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RealModule

/// A scalar type Programs run in: `Float` and `Double`.
///
/// The underscored requirements are the executor's per-type entry points;
/// call ``Program/run(count:inputs:outputs:)`` and ``Program/evaluate(_:)``
/// instead. They exist so that a caller in another module, holding only a
/// generic `T`, still reaches an executor specialized for `T`.
public protocol ProgramScalar: BinaryFloatingPoint, Real, SIMDScalar, Codable, Sendable {
    /// C's `pow`: unlike RealModule's `pow`, defined for a negative base
    /// with an integer exponent (`(-2)^3` is -8), as in PyTorch.
    static func _libmPow(_ x: Self, _ y: Self) -> Self

    /// Evaluates one lane of `program` (``Program/evaluate(_:)``).
    static func _evaluate(_ program: Program, _ inputs: [Self]) -> [Self]

    /// Runs `program` over `count` lanes on `threads` workers.
    static func _run(
        _ program: Program, count: Int, inputs: [ProgramInput<Self>],
        outputs: [UnsafeMutablePointer<Self>], threads: Int)
}

/// One input of a many-lane run: a value per lane, or one value for all.
///
/// The pointer must stay valid, and hold `count` values, for the whole
/// ``Program/run(count:inputs:outputs:)`` call.
public enum ProgramInput<T>: @unchecked Sendable {
    /// `count` values, one per lane.
    case lanes(UnsafePointer<T>)
    /// The same value in every lane (a parameter, a learning rate, ...).
    case uniform(T)
}

// At file scope, so that `pow` is the C function: inside an extension of
// Double it would resolve to RealModule's `Double.pow`, which is NaN for
// every negative base.
@usableFromInline func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@usableFromInline func libmPowf(_ x: Float, _ y: Float) -> Float { powf(x, y) }

extension Float: ProgramScalar {
    @_transparent
    public static func _libmPow(_ x: Float, _ y: Float) -> Float { libmPowf(x, y) }

    public static func _evaluate(_ program: Program, _ inputs: [Float]) -> [Float] { program.interpret(inputs) }

    public static func _run(
        _ program: Program, count: Int, inputs: [ProgramInput<Float>],
        outputs: [UnsafeMutablePointer<Float>], threads: Int
    ) {
        ChunkExecutor<Float>.run(program, count: count, inputs: inputs, outputs: outputs, threads: threads)
    }
}

extension Double: ProgramScalar {
    @_transparent
    public static func _libmPow(_ x: Double, _ y: Double) -> Double { libmPow(x, y) }

    public static func _evaluate(_ program: Program, _ inputs: [Double]) -> [Double] { program.interpret(inputs) }

    public static func _run(
        _ program: Program, count: Int, inputs: [ProgramInput<Double>],
        outputs: [UnsafeMutablePointer<Double>], threads: Int
    ) {
        ChunkExecutor<Double>.run(program, count: count, inputs: inputs, outputs: outputs, threads: threads)
    }
}

/// The elementary functions over a run of lanes, one table per scalar type.
///
/// This is the seam for vectorized math: today each entry loops over the
/// C library's scalar function (glibc accuracy); a SIMD backend replaces the
/// entries for `Float` and `Double` without touching the executor. The
/// executor calls nothing else that is not plain arithmetic.
protocol LaneMath: ProgramScalar {
    static func sin(_ x: UnsafePointer<Self>, _ result: UnsafeMutablePointer<Self>, _ count: Int)
    static func cos(_ x: UnsafePointer<Self>, _ result: UnsafeMutablePointer<Self>, _ count: Int)
    static func tan(_ x: UnsafePointer<Self>, _ result: UnsafeMutablePointer<Self>, _ count: Int)
    static func exp(_ x: UnsafePointer<Self>, _ result: UnsafeMutablePointer<Self>, _ count: Int)
    static func log(_ x: UnsafePointer<Self>, _ result: UnsafeMutablePointer<Self>, _ count: Int)
    static func tanh(_ x: UnsafePointer<Self>, _ result: UnsafeMutablePointer<Self>, _ count: Int)
    static func sigmoid(_ x: UnsafePointer<Self>, _ result: UnsafeMutablePointer<Self>, _ count: Int)
    /// `pow` with each side either lanes or one scalar (never both scalar).
    static func pow(_ x: LaneOperand<Self>, _ y: LaneOperand<Self>, _ result: UnsafeMutablePointer<Self>, _ count: Int)
}

/// An operand of a chunk kernel: a pointer to the chunk's lanes, or a scalar.
enum LaneOperand<T> {
    case lanes(UnsafePointer<T>)
    case scalar(T)
}

/// The scalar-loop implementations both types use for now.
extension LaneMath {
    @inline(__always)
    static func scalarLoop(
        _ x: UnsafePointer<Self>, _ result: UnsafeMutablePointer<Self>, _ count: Int,
        _ f: (Self) -> Self
    ) {
        for i in 0..<count { result[i] = f(x[i]) }
    }

    @inline(__always)
    static func scalarPow(_ x: LaneOperand<Self>, _ y: LaneOperand<Self>, _ result: UnsafeMutablePointer<Self>, _ count: Int) {
        switch (x, y) {
        case (.lanes(let a), .lanes(let b)): for i in 0..<count { result[i] = _libmPow(a[i], b[i]) }
        case (.lanes(let a), .scalar(let b)): for i in 0..<count { result[i] = _libmPow(a[i], b) }
        case (.scalar(let a), .lanes(let b)): for i in 0..<count { result[i] = _libmPow(a, b[i]) }
        case (.scalar(let a), .scalar(let b)):
            let value = _libmPow(a, b)
            for i in 0..<count { result[i] = value }
        }
    }
}

extension Float: LaneMath {
    static func sin(_ x: UnsafePointer<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) { scalarLoop(x, r, n) { Float.sin($0) } }
    static func cos(_ x: UnsafePointer<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) { scalarLoop(x, r, n) { Float.cos($0) } }
    static func tan(_ x: UnsafePointer<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) { scalarLoop(x, r, n) { Float.tan($0) } }
    static func exp(_ x: UnsafePointer<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) { scalarLoop(x, r, n) { Float.exp($0) } }
    static func log(_ x: UnsafePointer<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) { scalarLoop(x, r, n) { Float.log($0) } }
    static func tanh(_ x: UnsafePointer<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) { scalarLoop(x, r, n) { Float.tanh($0) } }
    static func sigmoid(_ x: UnsafePointer<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) { scalarLoop(x, r, n) { ScalarMath.sigmoid($0) } }
    static func pow(_ x: LaneOperand<Float>, _ y: LaneOperand<Float>, _ r: UnsafeMutablePointer<Float>, _ n: Int) { scalarPow(x, y, r, n) }
}

extension Double: LaneMath {
    static func sin(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) { scalarLoop(x, r, n) { Double.sin($0) } }
    static func cos(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) { scalarLoop(x, r, n) { Double.cos($0) } }
    static func tan(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) { scalarLoop(x, r, n) { Double.tan($0) } }
    static func exp(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) { scalarLoop(x, r, n) { Double.exp($0) } }
    static func log(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) { scalarLoop(x, r, n) { Double.log($0) } }
    static func tanh(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) { scalarLoop(x, r, n) { Double.tanh($0) } }
    static func sigmoid(_ x: UnsafePointer<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) { scalarLoop(x, r, n) { ScalarMath.sigmoid($0) } }
    static func pow(_ x: LaneOperand<Double>, _ y: LaneOperand<Double>, _ r: UnsafeMutablePointer<Double>, _ n: Int) { scalarPow(x, y, r, n) }
}
