#if GRADLAB_SIMD_VARIANT
import GradlabSIMD
#endif

/// The entry points of this copy of the kernels (baseline, AVX2 or AVX-512,
/// by the module it is compiled into); see ``KernelSet`` for each one.
public enum SIMDKernels: KernelSet {
    public static func run(
        _ plan: LanePlan, _ run: LaneRun<Float>, chunks: Range<Int>, scratch: UnsafeMutablePointer<Float>,
        chunkOutputs: UnsafeMutablePointer<UnsafePointer<Float>>
    ) {
        FloatKernels.runChunks(plan, run, chunks, scratch, chunkOutputs)
    }

    public static func run(
        _ plan: LanePlan, _ run: LaneRun<Double>, chunks: Range<Int>, scratch: UnsafeMutablePointer<Double>,
        chunkOutputs: UnsafeMutablePointer<UnsafePointer<Double>>
    ) {
        DoubleKernels.runChunks(plan, run, chunks, scratch, chunkOutputs)
    }

    public static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Double { FloatKernels.sum(x, n) }
    public static func sum(_ x: UnsafePointer<Double>, _ n: Int) -> Double { DoubleKernels.sum(x, n) }
    public static func extremes(_ x: UnsafePointer<Float>, _ n: Int) -> (min: Float, max: Float, sawNaN: Bool) {
        FloatKernels.extremes(x, n)
    }
    public static func extremes(_ x: UnsafePointer<Double>, _ n: Int) -> (min: Double, max: Double, sawNaN: Bool) {
        DoubleKernels.extremes(x, n)
    }
    public static func sumOfSquares(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Double {
        FloatKernels.sumOfSquares(a, b, n)
    }
    public static func sumOfSquares(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        DoubleKernels.sumOfSquares(a, b, n)
    }
}

/// One scalar type's loops: each operation is one straight loop over a
/// chunk with its vector function inlined.
protocol LaneKernels {
    associatedtype Scalar: BinaryFloatingPoint
    static func unary(_ op: LaneOperation, _ x: UnsafePointer<Scalar>, _ r: UnsafeMutablePointer<Scalar>, _ n: Int)
    static func sincos(_ x: UnsafePointer<Scalar>, _ s: UnsafeMutablePointer<Scalar>, _ c: UnsafeMutablePointer<Scalar>, _ n: Int)
    static func binary(
        _ op: LaneOperation, _ a: LaneOperand<Scalar>, _ b: LaneOperand<Scalar>, _ r: UnsafeMutablePointer<Scalar>, _ n: Int)
    /// `r = outer(inner(a, b), c)`, or `outer(c, inner(a, b))` when not
    /// `innerFirst` (``LaneStep/inner``), negated when `negated`; both arithmetic.
    static func compound(
        _ outer: LaneOperation, _ inner: LaneOperation, _ a: LaneOperand<Scalar>, _ b: LaneOperand<Scalar>,
        _ c: LaneOperand<Scalar>, _ innerFirst: Bool, _ negated: Bool, _ r: UnsafeMutablePointer<Scalar>, _ n: Int)
    /// sin and cos of `inner(a, b)` (arithmetic) into `s` and `c`.
    static func sincos(
        of inner: LaneOperation, _ a: LaneOperand<Scalar>, _ b: LaneOperand<Scalar>,
        _ s: UnsafeMutablePointer<Scalar>, _ c: UnsafeMutablePointer<Scalar>, _ n: Int)
    /// sin x into `sine` and cos x into `cosine` from `a` = sin(x/2) and
    /// `b` = cos(x/2) (``LaneOperation/doubleAngle``).
    static func doubleAngle(
        _ a: LaneOperand<Scalar>, _ b: LaneOperand<Scalar>, _ sine: UnsafeMutablePointer<Scalar>,
        _ cosine: UnsafeMutablePointer<Scalar>, _ n: Int)
    /// `r = a^b` and `s = a^c`, or |a|'s where `absolute` (``LaneOperation/powerPair``).
    static func powerPair(
        _ a: LaneOperand<Scalar>, _ b: LaneOperand<Scalar>, _ c: LaneOperand<Scalar>, absolute: Bool, _ r: UnsafeMutablePointer<Scalar>,
        _ s: UnsafeMutablePointer<Scalar>, _ n: Int)
    /// The sum of `n` values in Double, in the fixed order ``LaneRun/chunkSums`` describes.
    static func sum(_ x: UnsafePointer<Scalar>, _ n: Int) -> Double
    /// The smallest and largest of `n` values, NaN ignored, and whether any was NaN.
    static func extremes(_ x: UnsafePointer<Scalar>, _ n: Int) -> (min: Scalar, max: Scalar, sawNaN: Bool)
    /// The sum of `a[i]^2`, then of `b[i]^2`, over `n` lanes in Double (the order of ``sum(_:_:)``).
    static func sumOfSquares(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Double
    /// A fused step's loop (``FusedKernel``) over `n` lanes: operands `o`
    /// in the kernel's order, results stored through `r`.
    static func fused(
        _ kernel: FusedKernel, _ o: UnsafePointer<LaneOperand<Scalar>>, _ r: UnsafePointer<UnsafeMutablePointer<Scalar>>, _ n: Int)
    /// `p[i] = p[i] + step * g[i]` for `n` lanes (any `n`).
    static func descend(_ p: UnsafeMutablePointer<Scalar>, _ g: UnsafePointer<Scalar>, _ step: Scalar, _ n: Int)
}

extension LaneKernels {
    static func runChunks(
        _ plan: LanePlan, _ run: LaneRun<Scalar>, _ chunks: Range<Int>, _ scratch: UnsafeMutablePointer<Scalar>,
        _ chunkOutputs: UnsafeMutablePointer<UnsafePointer<Scalar>>
    ) {
        plan.steps.withUnsafeBufferPointer { steps in runChunks(plan, steps, run, chunks, scratch, chunkOutputs) }
    }

    /// ``runChunks(_:_:_:_:_:)`` with the plan's steps read in place. Each
    /// step copied out of the array (`for step in plan.steps`: 96 bytes in
    /// two vector stores to the stack) was then read back a byte at a time,
    /// loads that wait on the wide stores (no store-to-load forwarding):
    /// the most sampled instructions of this function, and the tutorial's
    /// landscape 4-5% faster without them (session, Zen 5).
    static func runChunks(
        _ plan: LanePlan, _ steps: UnsafeBufferPointer<LaneStep>, _ run: LaneRun<Scalar>, _ chunks: Range<Int>,
        _ scratch: UnsafeMutablePointer<Scalar>, _ chunkOutputs: UnsafeMutablePointer<UnsafePointer<Scalar>>
    ) {
        let size = run.chunkLanes
        let staging = scratch + plan.registerCount * size
        let chunkCount = run.chunkCount
        precondition(run.repeats == 1 || (run.descentCount == 0 && run.afterChunk == nil),
                     "an epoch block runs no descent and no per-chunk hook")
        for chunk in chunks {
            for r in 0..<run.repeats {
                // This run's uniforms, and its entry in the per-chunk tables.
                let uniforms = run.uniforms + r * run.uniformStride
                let entry = r * chunkCount + chunk
                let start = chunk * size
                let lanes = min(size, run.count - start)
                // Kernels work in whole 16-lane groups; a last chunk that is not
                // one runs in zero-padded staging buffers and is copied back.
                let n = (lanes + 15) & ~15
                let staged = n != lanes
                if staged {
                    for i in 0..<plan.inputCount {
                        guard let source = run.inputs[i] else { continue }
                        let buffer = staging + i * size
                        buffer.update(from: source + start, count: lanes)
                        (buffer + lanes).update(repeating: 0, count: n - lanes)
                    }
                }
                func input(_ i: Int) -> UnsafePointer<Scalar> {
                    staged ? UnsafePointer(staging + i * size) : run.inputs[i].unsafelyUnwrapped + start
                }
                func output(_ k: Int) -> UnsafeMutablePointer<Scalar> {
                    staged ? staging + (plan.inputCount + k) * size : run.outputs[k].unsafelyUnwrapped + start
                }
                func value(_ slot: LaneSlot) -> LaneOperand<Scalar> {
                    switch slot {
                    case .uniform(let u): LaneOperand(base: uniforms + 16 * u, mask: 0)
                    case .input(let i): LaneOperand(base: input(i), mask: -1)
                    case .register(let index): LaneOperand(base: scratch + index * size, mask: -1)
                    case .output(let k): LaneOperand(base: output(k), mask: -1)
                    }
                }
                func destination(_ slot: LaneSlot) -> UnsafeMutablePointer<Scalar> {
                    switch slot {
                    case .register(let index): scratch + index * size
                    case .output(let k): output(k)
                    case .uniform, .input: preconditionFailure("a plan writes only registers and outputs")
                    }
                }

                for index in steps.indices {
                    let step = steps.baseAddress.unsafelyUnwrapped + index
                    if let kernel = step.pointee.fusedKernel {
                        let (operandCount, resultCount) = (kernel.operandCount, kernel.resultCount)
                        withUnsafeTemporaryAllocation(of: LaneOperand<Scalar>.self, capacity: operandCount) { o in
                            withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Scalar>.self, capacity: resultCount) { r in
                                for k in 0..<operandCount { o.initializeElement(at: k, to: value(plan.fusedSlots[step.pointee.fusedStart + k])) }
                                for k in 0..<resultCount {
                                    r.initializeElement(at: k, to: destination(plan.fusedSlots[step.pointee.fusedStart + operandCount + k]))
                                }
                                fused(kernel, UnsafePointer(o.baseAddress.unsafelyUnwrapped), UnsafePointer(r.baseAddress.unsafelyUnwrapped), n)
                            }
                        }
                        continue
                    }
                    let result = destination(step.pointee.destination)
                    let op = step.pointee.operation
                    if let inner = step.pointee.inner {
                        if op == .sincos {
                            sincos(of: inner, value(step.pointee.a), value(step.pointee.b), result, destination(step.pointee.second), n)
                        } else {
                            compound(op, inner, value(step.pointee.a), value(step.pointee.b), value(step.pointee.c),
                                     step.pointee.innerFirst, step.pointee.negated, result, n)
                        }
                        continue
                    }
                    if op == .powerPair {
                        powerPair(value(step.pointee.a), value(step.pointee.b), value(step.pointee.c), absolute: step.pointee.absoluteBase,
                                  result, destination(step.pointee.second), n)
                        continue
                    }
                    if op == .doubleAngle {
                        doubleAngle(value(step.pointee.a), value(step.pointee.b), result, destination(step.pointee.second), n)
                        continue
                    }
                    if op.isBinary {
                        binary(op, value(step.pointee.a), value(step.pointee.b), result, n)
                        continue
                    }
                    // The builder folds unary operations of uniform values, so `a` has lanes.
                    let x = value(step.pointee.a)
                    precondition(!x.isUniform, "unary step on a uniform value")
                    if op == .sincos {
                        sincos(x.base, result, destination(step.pointee.second), n)
                    } else {
                        unary(op, x.base, result, n)
                    }
                }

                for k in 0..<plan.outputCount {
                    let source = plan.outputSources[k]
                    let x = value(source)
                    if run.outputs[k] != nil, source != .output(k) {
                        if x.isUniform { output(k).update(repeating: x.base[0], count: n) } else { output(k).update(from: x.base, count: n) }
                    }
                    if let sums = run.chunkSums {
                        let summed = k < 64 && run.summed & (1 << UInt64(k)) != 0
                        sums[entry * plan.outputCount + k] = !summed ? 0
                            : x.isUniform ? Double(x.base[0]) * Double(lanes) : sum(x.base, lanes)
                    }
                }
                if let reductions = run.reductions {
                    reduce(reductions, entry: entry, prefixOffset: r * reductions.prefixCount, start: start, lanes: lanes, n: n, plan, zeros: staging + (plan.inputCount + plan.outputCount) * size, value)
                }
                if staged {
                    for k in 0..<plan.outputCount {
                        guard let target = run.outputs[k] else { continue }
                        (target + start).update(from: staging + (plan.inputCount + k) * size, count: lanes)
                    }
                }
                guard run.descentCount > 0 || run.afterChunk != nil else { continue }
                // Each output's values for this chunk, wherever they are.
                for k in 0..<plan.outputCount {
                    if let target = run.outputs[k] {
                        chunkOutputs[k] = UnsafePointer(target + start)
                        continue
                    }
                    let x = value(plan.outputSources[k])
                    if x.isUniform {
                        let buffer = staging + (plan.inputCount + k) * size
                        buffer.update(repeating: x.base[0], count: n)
                        chunkOutputs[k] = UnsafePointer(buffer)
                    } else {
                        chunkOutputs[k] = x.base
                    }
                }
                for d in 0..<run.descentCount {
                    let parameters = UnsafeMutablePointer(mutating: run.inputs[run.descentPairs[2 * d]].unsafelyUnwrapped)
                    descend(parameters + start, chunkOutputs[run.descentPairs[2 * d + 1]], run.descentStep, lanes)
                }
                run.afterChunk?(LaneChunk(index: chunk, lanes: start..<(start + lanes), outputs: chunkOutputs))
            }
        }
    }
}

extension LaneKernels {
    /// A chunk's ``LaneReductionRequest``: extremes, sum of squares and
    /// prefix copies of outputs, wherever their values are (`value`), into
    /// the tables' entry `entry` (the chunk's, or in an epoch block the
    /// chunk's of that run) and the prefix targets from `prefixOffset` on.
    @inline(__always)
    static func reduce(
        _ request: LaneReductionRequest<Scalar>, entry chunk: Int, prefixOffset: Int, start: Int, lanes: Int, n: Int, _ plan: LanePlan,
        zeros: UnsafePointer<Scalar>, _ value: (LaneSlot) -> LaneOperand<Scalar>
    ) {
        /// Output k's values for the chunk's lanes (a uniform one spread over
        /// the zero chunk's length is not needed: uniforms are handled apart).
        func values(_ k: Int) -> LaneOperand<Scalar> { value(plan.outputSources[k]) }
        if request.extremesOutput >= 0, let target = request.chunkExtremes {
            let x = values(request.extremesOutput)
            let (low, high, sawNaN) = x.isUniform
                ? (x.base[0].isNaN ? (Scalar.infinity, -Scalar.infinity, true) : (x.base[0], x.base[0], false))
                : extremes(x.base, lanes)
            target[3 * chunk] = Double(low)
            target[3 * chunk + 1] = Double(high)
            target[3 * chunk + 2] = sawNaN ? 1 : 0
        }
        if request.squaresMask != 0, let target = request.chunkSquares {
            var total = 0.0
            var pending: UnsafePointer<Scalar>? = nil
            for k in 0..<min(plan.outputCount, 64) where request.squaresMask & (1 << UInt64(k)) != 0 {
                let x = values(k)
                if x.isUniform {
                    let v = Double(x.base[0])
                    total += v * v * Double(lanes)
                    continue
                }
                if let first = pending {
                    total += sumOfSquares(first, x.base, lanes)
                    pending = nil
                } else {
                    pending = x.base
                }
            }
            if let lone = pending { total += sumOfSquares(lone, zeros, lanes) }
            target[chunk] = total
        }
        if start < request.prefixCount, let targets = request.prefixTargets {
            let kept = min(lanes, request.prefixCount - start)
            for k in 0..<plan.outputCount {
                guard let target = targets[k] else { continue }
                let x = values(k)
                if x.isUniform { (target + prefixOffset + start).update(repeating: x.base[0], count: kept) } else { (target + prefixOffset + start).update(from: x.base, count: kept) }
            }
        }
    }
}

/// 64 running Double sums, lane i of a sum into sum i mod 64, folded
/// pairwise: the fixed order of chunk sums at every kernel level. Four
/// vectors rather than one keep four additions in flight (one chain was
/// bound by the add's latency).
struct RunningSums {
    var a = SIMD16<Double>(), b = SIMD16<Double>(), c = SIMD16<Double>(), d = SIMD16<Double>()

    /// Adds `v` to running sum `lane` (0..<64).
    @_transparent
    mutating func add(_ v: Double, lane: Int) {
        switch lane >> 4 {
        case 0: a[lane & 15] += v
        case 1: b[lane & 15] += v
        case 2: c[lane & 15] += v
        default: d[lane & 15] += v
        }
    }

    /// (a + b) + (c + d), then 16 sums folded pairwise.
    var folded: Double {
        @_transparent get {
            let sixteen = (a + b) + (c + d)
            let eight = sixteen.lowHalf + sixteen.highHalf
            let four = eight.lowHalf + eight.highHalf
            let two = four.lowHalf + four.highHalf
            return two.x + two.y
        }
    }
}

/// The four arithmetic operations as types, so one generic loop serves
/// every pair in a compound step: each (inner, outer) pair is specialized
/// into its own loop with both operations inlined. Specializations of this
/// module's generics carry the module's name (no shared symbols).
protocol LaneArithmetic {
    static func apply(_ x: FloatVector, _ y: FloatVector) -> FloatVector
    static func apply(_ x: DoubleVector, _ y: DoubleVector) -> DoubleVector
    /// Whether the operation is division: a loop whose divisor is uniform
    /// then multiplies by its reciprocal and corrects the quotient
    /// (``divide(_:by:reciprocal:)``, the same bits as dividing).
    static var isDivision: Bool { get }
}

extension LaneArithmetic {
    @_transparent static var isDivision: Bool { false }
}

enum AddLanes: LaneArithmetic {
    @_transparent static func apply(_ x: FloatVector, _ y: FloatVector) -> FloatVector { x + y }
    @_transparent static func apply(_ x: DoubleVector, _ y: DoubleVector) -> DoubleVector { x + y }
}

enum SubtractLanes: LaneArithmetic {
    @_transparent static func apply(_ x: FloatVector, _ y: FloatVector) -> FloatVector { x - y }
    @_transparent static func apply(_ x: DoubleVector, _ y: DoubleVector) -> DoubleVector { x - y }
}

enum MultiplyLanes: LaneArithmetic {
    @_transparent static func apply(_ x: FloatVector, _ y: FloatVector) -> FloatVector { product(x, y) }
    @_transparent static func apply(_ x: DoubleVector, _ y: DoubleVector) -> DoubleVector { product(x, y) }
}

enum DivideLanes: LaneArithmetic {
    @_transparent static func apply(_ x: FloatVector, _ y: FloatVector) -> FloatVector { x / y }
    @_transparent static func apply(_ x: DoubleVector, _ y: DoubleVector) -> DoubleVector { x / y }
    @_transparent static var isDivision: Bool { true }
}
