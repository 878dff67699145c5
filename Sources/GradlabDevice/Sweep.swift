import GradlabMath

/// One pass of a Program over many lanes, described as data, so that every
/// device runs it its own way: the CPU with its chunk kernels, CUDA with a
/// kernel generated from the same Program.
///
/// A landscape epoch is one sweep: the Program computes f, ∇f and the
/// optimizer's update (``SweepInput/lanes(_:offset:)`` parameters and state,
/// updated in place by outputs naming the same buffer slice); the sweep sums
/// f, finds its extremes, sums the squares of the gradient, sums the new
/// positions, and copies the tracked points' gradients out.
public struct Sweep<T: ProgramScalar> {
    public var program: Program
    /// Lanes: points, samples, or parameters.
    public var lanes: Int
    public var mode: SweepMode
    /// One per ``Program/inputs`` entry.
    public var inputs: [SweepInput<T>]
    /// One per output.
    public var outputs: [SweepOutput<T>]
    /// Outputs summed over all lanes, in Double, in a fixed order.
    public var summed: [Int]
    /// The output whose smallest and largest value is wanted (NaN ignored, noted).
    public var extremesOf: Int?
    /// Outputs whose squares are summed together (a gradient's squared norm).
    public var squaresOf: [Int]
    /// Outputs whose first ``copiedLanes`` values come back in the result.
    public var copied: [Int]
    public var copiedLanes: Int
    /// Whether ``summed`` outputs are added lane after lane (a plain loop in
    /// Double, as the tutorial's small data labs reduce) instead of in the
    /// executor's fixed blocked order. A sequential sweep always is.
    public var orderedSums: Bool

    public init(program: Program, lanes: Int, mode: SweepMode = .parallel, inputs: [SweepInput<T>], outputs: [SweepOutput<T>],
                summed: [Int] = [], extremesOf: Int? = nil, squaresOf: [Int] = [], copied: [Int] = [], copiedLanes: Int = 0,
                orderedSums: Bool = false) {
        self.orderedSums = orderedSums
        self.program = program
        self.lanes = lanes
        self.mode = mode
        self.inputs = inputs
        self.outputs = outputs
        self.summed = summed
        self.extremesOf = extremesOf
        self.squaresOf = squaresOf
        self.copied = copied
        self.copiedLanes = copiedLanes
    }

    /// How many scalars a run takes per row: one more than the largest
    /// ``SweepInput/scalar(_:)`` index.
    public var scalarCount: Int {
        inputs.reduce(0) { count, input in
            if case .scalar(let index) = input { return max(count, index + 1) }
            return count
        }
    }
}

/// How lanes relate.
public enum SweepMode: Sendable, Equatable {
    /// Lanes are independent: any order, any number of threads, the same result.
    case parallel
    /// Lane after lane, each seeing what the lanes before it wrote to
    /// ``SweepOutput/element(_:index:)`` outputs: per-sample SGD, one
    /// optimizer step per training sample in order.
    case sequential
}

/// Where a Program input's values come from.
public enum SweepInput<T: ProgramScalar> {
    /// Elements `offset..<offset + lanes` of a buffer, one per lane.
    case lanes(DeviceBuffer<T>, offset: Int)
    /// One element read by every lane (a sequential sweep reads it afresh
    /// before each lane).
    case element(DeviceBuffer<T>, index: Int)
    /// Entry `index` of the run's scalars, cast to `T` by the device, as
    /// torch casts a Python float hyperparameter to the tensor's dtype.
    case scalar(Int)
}

/// Where a Program output goes.
public enum SweepOutput<T: ProgramScalar> {
    /// Computed for reductions and copies only.
    case discard
    /// Elements `offset..<offset + lanes` of a buffer. When an input is the
    /// same slice, the output updates it in place (a parameter's or a state's
    /// new value); other overlaps are errors.
    case lanes(DeviceBuffer<T>, offset: Int)
    /// One element, written after each lane of a sequential sweep.
    case element(DeviceBuffer<T>, index: Int)
}

/// What a run of a sweep returns.
public struct SweepResult<T: ProgramScalar>: Sendable {
    /// Per output: its sum in Double, or NaN when not in ``Sweep/summed``.
    public var sums: [Double]
    public var extremes: SweepExtremes?
    public var squares: Double?
    /// Per ``Sweep/copied`` entry: its first ``Sweep/copiedLanes`` values.
    public var copied: [[T]]

    public init(sums: [Double], extremes: SweepExtremes? = nil, squares: Double? = nil, copied: [[T]] = []) {
        self.sums = sums
        self.extremes = extremes
        self.squares = squares
        self.copied = copied
    }
}
