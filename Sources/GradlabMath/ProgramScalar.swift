#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GradlabSIMD
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

    /// Evaluates one lane of `program` (``Program/evaluate(_:into:)``).
    static func _evaluate(_ program: Program, _ inputs: UnsafePointer<Self>, _ outputs: UnsafeMutablePointer<Self>)

    /// Runs `program` over `count` lanes (``Program/run(count:inputs:outputs:sums:summed:threads:descent:afterChunk:)``);
    /// bit k of `summed`: output k is summed.
    static func _run(
        _ program: Program, count: Int, inputs: [ProgramInput<Self>], outputs: [UnsafeMutablePointer<Self>?],
        sums: UnsafeMutablePointer<Double>?, summed: UInt64, threads: Int, level: SIMDLevel, descent: ProgramDescent<Self>?,
        afterChunk: (@Sendable (ProgramChunk<Self>) -> Void)?)

    /// ``ProgramSweep``'s entry points: a prepared plan, and a run of it.
    static func _prepareSweep(_ program: Program, _ shape: SweepShape) -> AnyObject
    static func _runSweep(
        _ prepared: AnyObject, count: Int, inputs: [ProgramInput<Self>], laterInputs: [[ProgramInput<Self>]],
        outputs: [UnsafeMutablePointer<Self>?], sums: UnsafeMutablePointer<Double>?, summed: UInt64, threads: Int, level: SIMDLevel,
        reductions: LaneReductionRequest<Self>)

    /// ``LaneReductions``' entry points, with the kernel set named.
    static func _sum(_ x: UnsafePointer<Self>, _ count: Int, _ level: SIMDLevel) -> Double
    static func _extremes(_ x: UnsafePointer<Self>, _ count: Int, _ level: SIMDLevel) -> (min: Self, max: Self, sawNaN: Bool)
    static func _sumOfSquares(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ count: Int, _ level: SIMDLevel) -> Double
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
    public static func _prepareSweep(_ program: Program, _ shape: SweepShape) -> AnyObject {
        ProgramExecutor<Float>.prepareSweep(program, shape)
    }

    public static func _runSweep(
        _ prepared: AnyObject, count: Int, inputs: [ProgramInput<Float>], laterInputs: [[ProgramInput<Float>]],
        outputs: [UnsafeMutablePointer<Float>?], sums: UnsafeMutablePointer<Double>?, summed: UInt64, threads: Int, level: SIMDLevel,
        reductions: LaneReductionRequest<Float>
    ) {
        ProgramExecutor<Float>.runSweep(prepared, count: count, inputs: inputs, laterInputs: laterInputs, outputs: outputs,
                                     sums: sums, summed: summed,
                                     threads: threads, level: level, reductions: reductions)
    }

    @_transparent
    public static func _libmPow(_ x: Float, _ y: Float) -> Float { libmPowf(x, y) }

    public static func _evaluate(_ program: Program, _ inputs: UnsafePointer<Float>, _ outputs: UnsafeMutablePointer<Float>) {
        program.interpret(inputs, outputs)
    }

    public static func _run(
        _ program: Program, count: Int, inputs: [ProgramInput<Float>], outputs: [UnsafeMutablePointer<Float>?],
        sums: UnsafeMutablePointer<Double>?, summed: UInt64, threads: Int, level: SIMDLevel, descent: ProgramDescent<Float>?,
        afterChunk: (@Sendable (ProgramChunk<Float>) -> Void)?
    ) {
        ProgramExecutor<Float>.run(program, count: count, inputs: inputs, outputs: outputs, sums: sums, summed: summed,
                                   threads: threads, level: level, descent: descent, afterChunk: afterChunk)
    }
}

extension Double: ProgramScalar {
    public static func _prepareSweep(_ program: Program, _ shape: SweepShape) -> AnyObject {
        ProgramExecutor<Double>.prepareSweep(program, shape)
    }

    public static func _runSweep(
        _ prepared: AnyObject, count: Int, inputs: [ProgramInput<Double>], laterInputs: [[ProgramInput<Double>]],
        outputs: [UnsafeMutablePointer<Double>?], sums: UnsafeMutablePointer<Double>?, summed: UInt64, threads: Int, level: SIMDLevel,
        reductions: LaneReductionRequest<Double>
    ) {
        ProgramExecutor<Double>.runSweep(prepared, count: count, inputs: inputs, laterInputs: laterInputs, outputs: outputs,
                                     sums: sums, summed: summed,
                                     threads: threads, level: level, reductions: reductions)
    }

    @_transparent
    public static func _libmPow(_ x: Double, _ y: Double) -> Double { libmPow(x, y) }

    public static func _evaluate(_ program: Program, _ inputs: UnsafePointer<Double>, _ outputs: UnsafeMutablePointer<Double>) {
        program.interpret(inputs, outputs)
    }

    public static func _run(
        _ program: Program, count: Int, inputs: [ProgramInput<Double>], outputs: [UnsafeMutablePointer<Double>?],
        sums: UnsafeMutablePointer<Double>?, summed: UInt64, threads: Int, level: SIMDLevel, descent: ProgramDescent<Double>?,
        afterChunk: (@Sendable (ProgramChunk<Double>) -> Void)?
    ) {
        ProgramExecutor<Double>.run(program, count: count, inputs: inputs, outputs: outputs, sums: sums, summed: summed,
                                    threads: threads, level: level, descent: descent, afterChunk: afterChunk)
    }
}

/// A finished chunk handed to a run's `afterChunk` hook: its lane range and
/// each output's values for those lanes, stored or not.
public typealias ProgramChunk<T> = LaneChunk<T>

/// Plain gradient descent applied inside a run's sweep, chunk by chunk:
/// each listed per-lane input moves by `step` times an output,
/// `x = x + step * output`. With `step = -lr` this is exactly
/// `torch.optim.SGD`'s update without momentum or weight decay (and
/// GradlabCore's `SGD.step` then), in one pass over memory.
public struct ProgramDescent<T>: @unchecked Sendable {
    public var step: T
    /// (input index, output index): the input is updated in place through
    /// its `.lanes` pointer, which must point at mutable memory.
    public var pairs: [(input: Int, output: Int)]

    public init(step: T, pairs: [(input: Int, output: Int)]) {
        self.step = step
        self.pairs = pairs
    }
}
