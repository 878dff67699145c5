/// A Program lowered for the chunk kernels: straight-line steps over
/// chunk-sized buffers, with every value's home decided in advance.
///
/// GradlabMath builds plans (`LanePlanBuilder`); the kernels in this module
/// and its AVX2 / AVX-512 copies run them. A plan holds no values: uniform
/// values (constants, uniform inputs and what is computed only from them)
/// live in a per-run array that the plan's ``LaneSlot/uniform(_:)`` slots
/// index, so one plan serves every run with the same input shapes.
public struct LanePlan: Sendable {
    public var steps: [LaneStep]
    /// Chunk-sized scratch buffers the steps use.
    public var registerCount: Int
    public var inputCount: Int
    public var outputCount: Int
    /// Where each output's value is once a chunk's steps ran; `.output(k)`
    /// for output k when it was written in place.
    public var outputSources: [LaneSlot]
    /// The fused steps' operands and results (``LaneStep/fusedKernel``).
    public var fusedSlots: [LaneSlot] = []

    public init(steps: [LaneStep], registerCount: Int, inputCount: Int, outputCount: Int, outputSources: [LaneSlot]) {
        self.steps = steps
        self.registerCount = registerCount
        self.inputCount = inputCount
        self.outputCount = outputCount
        self.outputSources = outputSources
    }

    /// The fused step `step`'s kernel, operands and results, if it is one.
    public func fusion(of step: LaneStep) -> LaneFusion? {
        guard let kernel = step.fusedKernel else { return nil }
        let operands = step.fusedStart..<(step.fusedStart + kernel.operandCount)
        let results = operands.upperBound..<(operands.upperBound + kernel.resultCount)
        return LaneFusion(kernel: kernel, operands: Array(fusedSlots[operands]), results: Array(fusedSlots[results]))
    }

    /// Replaces `steps[range]` by one fused step.
    public mutating func fuse(_ range: Range<Int>, into fusion: LaneFusion) {
        precondition(fusion.operands.count == fusion.kernel.operandCount && fusion.results.count == fusion.kernel.resultCount,
                     "LanePlan: a fused step's slots do not fit its kernel")
        steps.replaceSubrange(range, with: [LaneStep(fused: fusion.kernel, slotsFrom: fusedSlots.count)])
        fusedSlots += fusion.operands + fusion.results
    }

    /// Scalars of scratch one worker needs at `chunkLanes` lanes per chunk:
    /// the registers, then a staging buffer per input and output for the
    /// last chunk when it is not a whole number of vectors, then one chunk
    /// of zeros (the partner of a lone output in a sum of squares).
    public func scratchCount(chunkLanes: Int) -> Int {
        (registerCount + inputCount + outputCount + 1) * chunkLanes
    }
}

/// Where a step reads or writes a value.
public enum LaneSlot: Hashable, Sendable {
    /// Entry `index` of the run's uniform values.
    case uniform(Int)
    /// Per-lane input `index`.
    case input(Int)
    /// Scratch register `index`.
    case register(Int)
    /// Output buffer `index`.
    case output(Int)
}

/// One elementwise operation over a chunk.
public enum LaneOperation: UInt8, Sendable, CaseIterable {
    case negate, sin, cos, tan, exp, log, sqrt, abs, tanh, sigmoid, relu, sign, step
    /// sin into `destination` and cos into `second`, from one reduction.
    case sincos
    case add, subtract, multiply, divide, power, minimum, maximum, minimumGradient, maximumGradient
    /// `b >= a ? b : a` lane by lane (amsgrad's maximum; see GradlabMath's `Program.BinaryOperation.larger`).
    case larger
    /// sin x into `destination` and cos x into `second` from `a` = sin(x/2)
    /// and `b` = cos(x/2) by the double-angle identities: 2 sin cos, and
    /// (cos - sin)(cos + sin). See `LanePlanBuilder` (GradlabMath) for when
    /// it is used and docs/performance.md for the error it adds.
    case doubleAngle
    /// `a^b` into `destination` and `a^c` into `second`: two powers of one
    /// base (a constant exponent and the derivative's, as `x^1.3` needs
    /// `x^0.3`), the logarithm of the base computed once for both where
    /// the kernels can (the same bits as two `power` steps).
    case powerPair

    /// Whether the operation reads `b`.
    public var isBinary: Bool { rawValue >= LaneOperation.add.rawValue }
}

/// One step: `destination = operation(a, b)` lane by lane; or, when
/// ``inner`` is set, a step that computes its operand `inner(a, b)` itself:
/// a compound step of two arithmetic operations, or `sincos` of an
/// arithmetic value.
public struct LaneStep: Sendable {
    public var operation: LaneOperation
    public var a: LaneSlot
    /// The second operand of a binary operation (ignored otherwise).
    public var b: LaneSlot
    public var destination: LaneSlot
    /// `sincos`'s cos destination, or `powerPair`'s second power (ignored otherwise).
    public var second: LaneSlot
    /// A compound step's first operation: the step computes `t = inner(a, b)`
    /// and then `operation(t, c)`, or `operation(c, t)` when not
    /// ``innerFirst``, without storing `t`. Each operation rounds as it
    /// would as a step of its own, so the result is the same bits. Both are
    /// add, subtract, multiply or divide.
    public var inner: LaneOperation?
    /// A compound step's other operand, or `powerPair`'s second exponent.
    public var c: LaneSlot
    public var innerFirst: Bool
    /// A compound step that stores its result negated (a `negate` folded in:
    /// exact, as negation is).
    public var negated: Bool
    /// A `powerPair` of |a| (an `abs` read only by the two powers, folded in).
    public var absoluteBase = false
    /// A fused step's kernel (``LaneFusion``), in place of the other fields:
    /// its operands and then its results are the plan's
    /// ``LanePlan/fusedSlots`` from ``fusedStart`` on. (Indices rather than
    /// arrays keep a step free of reference counting in the chunk loop.)
    public var fusedKernel: FusedKernel?
    public var fusedStart = 0

    public init(_ operation: LaneOperation, _ a: LaneSlot, _ b: LaneSlot? = nil, into destination: LaneSlot, second: LaneSlot? = nil) {
        self.operation = operation
        self.a = a
        self.b = b ?? a
        self.destination = destination
        self.second = second ?? destination
        self.inner = nil
        self.c = a
        self.innerFirst = true
        self.negated = false
    }

    /// A fused step whose slots start at `start` in ``LanePlan/fusedSlots``.
    public init(fused kernel: FusedKernel, slotsFrom start: Int) {
        self.init(.add, .uniform(0), into: .register(0))
        fusedKernel = kernel
        fusedStart = start
    }

    /// `destination = outer(inner(a, b), c)`, or `outer(c, inner(a, b))`
    /// when not `innerFirst`.
    public init(_ outer: LaneOperation, inner: LaneOperation, _ a: LaneSlot, _ b: LaneSlot, c: LaneSlot, innerFirst: Bool,
                negated: Bool = false, into destination: LaneSlot) {
        precondition(outer.isArithmetic && inner.isArithmetic, "compound steps are add, subtract, multiply and divide")
        self.operation = outer
        self.a = a
        self.b = b
        self.destination = destination
        self.second = destination
        self.inner = inner
        self.c = c
        self.innerFirst = innerFirst
        self.negated = negated
    }

    /// `base^first` into `destination` and `base^second` into `other`, or
    /// `|base|`'s where `absolute` (``LaneOperation/powerPair``).
    public init(
        powersOf base: LaneSlot, _ first: LaneSlot, _ second: LaneSlot, absolute: Bool = false, into destination: LaneSlot,
        second other: LaneSlot
    ) {
        self.init(.powerPair, base, first, into: destination, second: other)
        self.c = second
        self.absoluteBase = absolute
    }

    /// sin and cos of `inner(a, b)` into `sine` and `cosine` (``LaneOperation/sincos``
    /// of a folded arithmetic value, such as `sin(0.5*x)` and `cos(0.5*x)`).
    public init(sincosOf inner: LaneOperation, _ a: LaneSlot, _ b: LaneSlot, into sine: LaneSlot, second cosine: LaneSlot) {
        precondition(inner.isArithmetic, "a folded sincos operand is add, subtract, multiply or divide")
        self.operation = .sincos
        self.a = a
        self.b = b
        self.destination = sine
        self.second = cosine
        self.inner = inner
        self.c = a
        self.innerFirst = true
        self.negated = false
    }
}

/// A run of steps that one of the kernels' fused loops computes (a
/// ``FusedKernel``): each operand loaded once per vector, every value in
/// registers, each result stored once. Its operations round as the steps
/// it replaces do, so the results are the same bits.
public struct LaneFusion: Sendable, Equatable {
    public var kernel: FusedKernel
    /// The kernel's operands, in its order (``FusedKernel/operandCount``).
    public var operands: [LaneSlot]
    /// Where each of the kernel's results is stored, in its order.
    public var results: [LaneSlot]

    public init(kernel: FusedKernel, operands: [LaneSlot], results: [LaneSlot]) {
        self.kernel = kernel
        self.operands = operands
        self.results = results
    }
}

extension LaneOperation {
    /// add, subtract, multiply and divide: what compound steps combine.
    public var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide: true
        default: false
        }
    }
}

/// The buffers of one run of a plan over `count` lanes. Pointers only: the
/// caller owns the memory and keeps it alive for the run.
public struct LaneRun<T>: @unchecked Sendable {
    public var count: Int
    /// Lanes per chunk, a positive multiple of 16 (the widest vector).
    public var chunkLanes: Int
    /// One per input; nil for a uniform input (its value is among `uniforms`).
    public var inputs: UnsafePointer<UnsafePointer<T>?>
    /// One per output; nil for an output that is only summed.
    public var outputs: UnsafePointer<UnsafeMutablePointer<T>?>
    /// The uniform values, each repeated 16 times (slot u at `16 * u`), so
    /// a kernel loads a full vector of it like a chunk of lanes.
    public var uniforms: UnsafePointer<T>
    /// When set, `outputCount` sums per chunk (chunk-major), each in Double
    /// and in a fixed order: 64 running sums, lane i into sum i mod 64, added
    /// pairwise at the end (`RunningSums`). The order depends on neither the
    /// thread count nor the vector width.
    public var chunkSums: UnsafeMutablePointer<Double>?
    /// Bit k set: output k is summed (the others' chunk sums are 0).
    public var summed: UInt64
    /// Gradient-descent pairs, `descentCount` of them: (input, output)
    /// indices. After a chunk's outputs are computed, per-lane input i moves
    /// by `descentStep` times output k, `x = x + step * y`, written through
    /// the input's pointer (the caller's parameters).
    public var descentPairs: UnsafePointer<Int>
    public var descentCount: Int
    public var descentStep: T
    /// Called once per chunk after its outputs are stored and its descent
    /// applied (from worker threads, on disjoint chunks).
    public var afterChunk: (@Sendable (LaneChunk<T>) -> Void)?
    /// Per-chunk reductions beyond sums (see ``LaneReductionRequest``); nil: none.
    public var reductions: LaneReductionRequest<T>?
    /// How many times the plan runs over each chunk, one run after another
    /// while the chunk is in cache (an epoch block): run `r` reads what run
    /// `r - 1` wrote in place and its own uniforms, at
    /// `uniforms + r * uniformStride`. Chunk sums and reductions are kept
    /// per run: entry `r * chunkCount + chunk` where one run has entry
    /// `chunk`, and prefix copies at `target + r * prefixCount`. Only with
    /// no descent and no `afterChunk`. Each lane's values are the same as
    /// from `repeats` runs one after another: lanes never interact.
    public var repeats = 1
    /// Scalars between one run's uniforms and the next's (``repeats``).
    public var uniformStride = 0

    /// The number of chunks of `chunkLanes` lanes that cover `count`.
    public var chunkCount: Int { (count + chunkLanes - 1) / chunkLanes }

    public init(
        count: Int, chunkLanes: Int, inputs: UnsafePointer<UnsafePointer<T>?>,
        outputs: UnsafePointer<UnsafeMutablePointer<T>?>, uniforms: UnsafePointer<T>,
        chunkSums: UnsafeMutablePointer<Double>?, summed: UInt64 = .max, descentPairs: UnsafePointer<Int>, descentCount: Int,
        descentStep: T, afterChunk: (@Sendable (LaneChunk<T>) -> Void)?
    ) {
        self.count = count
        self.chunkLanes = chunkLanes
        self.inputs = inputs
        self.outputs = outputs
        self.uniforms = uniforms
        self.chunkSums = chunkSums
        self.summed = summed
        self.descentPairs = descentPairs
        self.descentCount = descentCount
        self.descentStep = descentStep
        self.afterChunk = afterChunk
    }
}

/// What a run reduces per chunk besides sums, written chunk by chunk so the
/// caller combines chunks in order (the same result for any thread count).
public struct LaneReductionRequest<T>: @unchecked Sendable {
    /// The output whose smallest and largest value (NaN ignored) each chunk
    /// reports, or -1.
    public var extremesOutput: Int
    /// Three Doubles per chunk: min, max, and 1 if a value was NaN (else 0).
    public var chunkExtremes: UnsafeMutablePointer<Double>?
    /// Bit k set: output k's squares are summed (in Double, into one total
    /// per chunk, outputs taken two at a time in index order).
    public var squaresMask: UInt64
    /// One Double per chunk.
    public var chunkSquares: UnsafeMutablePointer<Double>?
    /// Lanes `0..<prefixCount` of each output with a target are copied to it
    /// (lane i to `target[i]`): what a caller reads back of outputs it does
    /// not store (the tracked points' gradients).
    public var prefixCount: Int
    /// One per output; nil for an output not copied.
    public var prefixTargets: UnsafePointer<UnsafeMutablePointer<T>?>?

    public init(extremesOutput: Int = -1, chunkExtremes: UnsafeMutablePointer<Double>? = nil, squaresMask: UInt64 = 0,
                chunkSquares: UnsafeMutablePointer<Double>? = nil, prefixCount: Int = 0,
                prefixTargets: UnsafePointer<UnsafeMutablePointer<T>?>? = nil) {
        self.extremesOutput = extremesOutput
        self.chunkExtremes = chunkExtremes
        self.squaresMask = squaresMask
        self.chunkSquares = chunkSquares
        self.prefixCount = prefixCount
        self.prefixTargets = prefixTargets
    }
}

/// One finished chunk, as a run's per-chunk hook sees it.
public struct LaneChunk<T>: @unchecked Sendable {
    /// The chunk's number: chunk `index` holds lanes from `index * chunkLanes`.
    public let index: Int
    /// The lanes of this chunk.
    public let lanes: Range<Int>
    let outputs: UnsafePointer<UnsafePointer<T>>

    public init(index: Int, lanes: Range<Int>, outputs: UnsafePointer<UnsafePointer<T>>) {
        self.index = index
        self.lanes = lanes
        self.outputs = outputs
    }

    /// Output `k`'s values for these lanes, stored or not: lane `i` is at
    /// `i - lanes.lowerBound`. Valid only during the hook's call.
    public func output(_ k: Int) -> UnsafePointer<T> { outputs[k] }
}

/// One copy of the kernels: `SIMDKernels` of GradlabSIMD, GradlabSIMDAVX2 or
/// GradlabSIMDAVX512 (the same source, compiled for each instruction set).
/// GradlabMath picks a copy by level once and calls it through this.
public protocol KernelSet {
    /// Runs `chunks` of `plan` over `run`'s buffers. `scratch` holds
    /// ``LanePlan/scratchCount(chunkLanes:)`` values, one worker's own.
    /// `chunkOutputs` has room for one pointer per output (the worker's own).
    static func run(
        _ plan: LanePlan, _ run: LaneRun<Float>, chunks: Range<Int>, scratch: UnsafeMutablePointer<Float>,
        chunkOutputs: UnsafeMutablePointer<UnsafePointer<Float>>)
    static func run(
        _ plan: LanePlan, _ run: LaneRun<Double>, chunks: Range<Int>, scratch: UnsafeMutablePointer<Double>,
        chunkOutputs: UnsafeMutablePointer<UnsafePointer<Double>>)
    /// The sum of `n` values in Double, in the fixed order ``LaneRun/chunkSums`` describes.
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Double
    static func sum(_ x: UnsafePointer<Double>, _ n: Int) -> Double
    /// The smallest and largest of `n` values, NaN ignored, and whether any was NaN.
    static func extremes(_ x: UnsafePointer<Float>, _ n: Int) -> (min: Float, max: Float, sawNaN: Bool)
    static func extremes(_ x: UnsafePointer<Double>, _ n: Int) -> (min: Double, max: Double, sawNaN: Bool)
    /// The sum of `a[i]^2 + b[i]^2` over `n` lanes, in Double, in the order of `sum`.
    static func sumOfSquares(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Double
    static func sumOfSquares(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double
}
