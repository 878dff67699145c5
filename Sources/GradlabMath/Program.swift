/// A straight-line SSA program computing a value and its gradient.
///
/// Instruction `i` defines value `i`; operands always name earlier values,
/// so the instruction order is an evaluation order. Output 0 is the value;
/// output `1 + i` is d value / d `respect[i]`.
///
///     let f = try Expression.parse("x^2 + y", variables: ["x", "y"])
///     let p = Program.valueAndGradient(of: f, inputs: ["x", "y"], respect: ["x"])
///     p.evaluate([3.0, 1.0])   // [10, 6]
///
/// One Program, several executors: ``evaluate(_:)`` is the scalar reference,
/// ``run(count:inputs:outputs:)`` the chunked CPU executor, and a device
/// backend can translate ``instructions`` to its own code.
public struct Program: Sendable {
    /// Operations of one operand: the language's functions plus the
    /// derivative helpers that reverse mode needs.
    public enum UnaryOperation: String, Sendable, CaseIterable {
        case negate, sin, cos, tan, exp, log, sqrt, abs, tanh, sigmoid, relu
        /// torch.sign: -1, 0 or 1 (0 at ±0 and NaN); abs' = sign.
        case sign
        /// `x <= 0 ? 0 : 1` (1 at NaN); relu' from relu's output, as torch's threshold_backward.
        case step

        /// The operation computing a language function.
        public init(_ function: UnaryFunction) {
            switch function {
            case .negate: self = .negate
            case .sin: self = .sin
            case .cos: self = .cos
            case .tan: self = .tan
            case .exp: self = .exp
            case .log: self = .log
            case .sqrt: self = .sqrt
            case .abs: self = .abs
            case .tanh: self = .tanh
            case .sigmoid: self = .sigmoid
            case .relu: self = .relu
            }
        }
    }

    /// Operations of two operands.
    public enum BinaryOperation: String, Sendable, CaseIterable {
        case add, subtract, multiply, divide
        /// C `pow`, as torch.pow.
        case power
        /// torch.minimum / torch.maximum: NaN-propagating.
        case minimum, maximum
        /// d min(a,b)/da: `a == b ? 0.5 : (a > b ? 0 : 1)`, torch's tie split.
        case minimumGradient
        /// d max(a,b)/da: `a == b ? 0.5 : (a < b ? 0 : 1)`, torch's tie split.
        case maximumGradient
        /// `b >= a ? b : a` (Swift's `max(a, b)`): amsgrad's running maximum,
        /// which keeps the old value when the new one is NaN. Not in the
        /// language (it has no derivative); optimizer rules emit it.
        case larger

        /// The operation computing a language operator.
        public init(_ op: BinaryOperator) {
            switch op {
            case .add: self = .add
            case .subtract: self = .subtract
            case .multiply: self = .multiply
            case .divide: self = .divide
            case .power: self = .power
            case .minimum: self = .minimum
            case .maximum: self = .maximum
            }
        }
    }

    /// One SSA instruction; operands are indices of earlier instructions.
    public enum Instruction: Hashable, Sendable {
        /// The value of `inputs[index]`.
        case input(Int)
        /// A constant, converted to the scalar type when run.
        case constant(Double)
        case unary(UnaryOperation, Int)
        case binary(BinaryOperation, Int, Int)
    }

    /// Input names in the order `evaluate` and `run` take them.
    public let inputs: [String]
    /// The variables differentiated against, in output order.
    public let respect: [String]
    /// The number of outputs: 1 + `respect.count` for a value and its
    /// gradient; any number for a composed Program (``ProgramComposer``).
    public let outputCount: Int
    /// Each output's name: `value` and `d/dx1`..., or the composer's names.
    public let outputNames: [String]
    /// The instructions, in evaluation order.
    public let instructions: [Instruction]
    /// The instruction index holding each output.
    public let outputs: [Int]
    /// For each instruction, the index of the last instruction that reads
    /// it (or -1); the executor frees registers with it.
    let lastUse: [Int]
    /// Lowered plans and their buffers, shared by copies of this Program.
    let runCache = ProgramRunCache()

    /// Number of instructions, inputs and constants included.
    public var instructionCount: Int { instructions.count }

    init(inputs: [String], respect: [String], instructions: [Instruction], outputs: [Int], outputNames: [String]? = nil) {
        self.inputs = inputs
        self.respect = respect
        self.instructions = instructions
        self.outputs = outputs
        self.outputCount = outputs.count
        self.outputNames = outputNames ?? (["value"] + respect.map { "d/d\($0)" })
        var lastUse = Array(repeating: -1, count: instructions.count)
        for (index, instruction) in instructions.enumerated() {
            switch instruction {
            case .input, .constant: break
            case .unary(_, let a): lastUse[a] = index
            case .binary(_, let a, let b):
                lastUse[a] = index
                lastUse[b] = index
            }
        }
        self.lastUse = lastUse
    }

    /// Evaluates one lane: the scalar reference path.
    ///
    /// Operations follow `ScalarMath` (the C library's elementary functions),
    /// so this is the most accurate path; ``run(count:inputs:outputs:)``
    /// agrees with it within the vector functions' bounds (docs/expressions.md).
    ///
    /// - Parameter inputs: one value per ``inputs`` name, in that order.
    /// - Returns: ``outputCount`` values: the value, then the gradient.
    public func evaluate<T: ProgramScalar>(_ inputs: [T]) -> [T] {
        precondition(inputs.count == self.inputs.count, "expected \(self.inputs.count) inputs, got \(inputs.count)")
        return [T](unsafeUninitializedCapacity: outputCount) { results, initialized in
            inputs.withUnsafeBufferPointer { values in
                guard let source = values.baseAddress ?? UnsafePointer(results.baseAddress),
                      let target = results.baseAddress else { return }
                T._evaluate(self, source, target)
            }
            initialized = outputCount
        }
    }

    /// ``evaluate(_:)`` without allocating: for per-sample loops.
    ///
    ///     // inputs: weight, bias, x, y; outputs: loss, d/dweight, d/dbias
    ///     training.evaluate(sample, into: results)
    ///
    /// - Parameters:
    ///   - inputs: one value per ``inputs`` name, in that order.
    ///   - results: room for ``outputCount`` values.
    public func evaluate<T: ProgramScalar>(_ inputs: UnsafePointer<T>, into results: UnsafeMutablePointer<T>) {
        // Through the protocol, so a caller holding a generic T still gets
        // the interpreter specialized for Float or Double.
        T._evaluate(self, inputs, results)
    }

    /// The scalar interpreter itself; values live on the stack.
    func interpret<T: ProgramScalar>(_ inputs: UnsafePointer<T>, _ results: UnsafeMutablePointer<T>) {
        withUnsafeTemporaryAllocation(of: T.self, capacity: max(instructions.count, 1)) { buffer in
            guard let values = buffer.baseAddress else { return }
            for (id, instruction) in instructions.enumerated() {
                let value: T
                switch instruction {
                case .input(let index): value = inputs[index]
                case .constant(let c): value = T(c)
                case .unary(let op, let a): value = ScalarMath.apply(op, values[a])
                case .binary(let op, let a, let b): value = ScalarMath.apply(op, values[a], values[b])
                }
                (values + id).initialize(to: value)
            }
            for (k, id) in outputs.enumerated() { results[k] = values[id] }
        }
    }

    /// Runs many lanes at once: each input is per-lane or uniform, and each
    /// output pointer receives `count` values.
    ///
    /// Work goes in cache-sized chunks through the SIMD kernels of
    /// ``SIMDLevel/active``; when `count` is large enough to pay for it,
    /// chunks are spread over all cores. Lanes are independent and chunk
    /// boundaries do not depend on the thread count, so the result is
    /// bit-identical to a single-threaded run.
    ///
    /// - Parameters:
    ///   - count: number of lanes; 0 does nothing.
    ///   - inputs: one per ``inputs`` name.
    ///   - outputs: ``outputCount`` buffers of `count` values. They must not
    ///     overlap each other or any input buffer (outputs are written as
    ///     soon as they are computed).
    public func run<T: ProgramScalar>(count: Int, inputs: [ProgramInput<T>], outputs: [UnsafeMutablePointer<T>]) {
        run(count: count, inputs: inputs, outputs: outputs, sums: nil)
    }

    /// ``run(count:inputs:outputs:)`` on at most `threads` workers (at least 1;
    /// no more than there are chunks). Results do not depend on `threads`.
    public func run<T: ProgramScalar>(
        count: Int, inputs: [ProgramInput<T>], outputs: [UnsafeMutablePointer<T>], threads: Int
    ) {
        run(count: count, inputs: inputs, outputs: outputs, sums: nil, threads: threads)
    }

    /// One sweep over all lanes that can also sum outputs, apply gradient
    /// descent, and hand each finished chunk to the caller while it is still
    /// in cache: a gradient step reads and writes each parameter once.
    ///
    ///     // f's mean and one SGD step (lr 1e-3) at every point, one pass over memory:
    ///     var sums = [0.0, 0.0, 0.0]
    ///     program.run(count: n, inputs: [.lanes(x1), .lanes(x2)], outputs: [nil, nil, nil], sums: &sums,
    ///                 descent: ProgramDescent(step: -1e-3, pairs: [(0, 1), (1, 2)]))
    ///     let meanLoss = sums[0] / Double(n)
    ///
    ///     // Any other update in the hook, on worker threads and disjoint lanes:
    ///     nonisolated(unsafe) let (p1, p2) = (x1, x2)
    ///     program.run(count: n, inputs: [.lanes(p1), .lanes(p2)], outputs: [nil, nil, nil], sums: &sums) { chunk in
    ///         let (g1, g2) = (chunk.output(1), chunk.output(2))
    ///         for (j, i) in chunk.lanes.enumerated() { p1[i] -= lr * g1[j]; p2[i] -= lr * g2[j] }
    ///     }
    ///
    /// - Parameters:
    ///   - outputs: ``outputCount`` entries; nil computes an output without
    ///     storing it (to sum it, descend along it, or read it in the hook).
    ///   - sums: nil, or room for ``outputCount`` Doubles: each output summed
    ///     over all lanes in Double, in an order that depends on neither the
    ///     thread count nor the CPU (64 running sums per chunk, then chunks in order).
    ///   - summed: the outputs to sum (nil: all); the others' entries are NaN.
    ///     Each sum is a pass over the chunk, so sum only what you read.
    ///   - threads: workers; nil picks by `count`, as ``run(count:inputs:outputs:)``.
    ///   - descent: per-lane inputs to move along outputs once each chunk is
    ///     computed (``ProgramDescent``); they are written through their
    ///     `.lanes` pointers.
    ///   - afterChunk: called once per chunk, after its outputs are stored and
    ///     the descent applied, with the chunk's lanes and every output's values
    ///     for them (``ProgramChunk``). It runs on worker threads, concurrently
    ///     for disjoint chunks; it may change those lanes of the per-lane
    ///     inputs (the chunk has been read) and of the outputs.
    public func run<T: ProgramScalar>(
        count: Int, inputs: [ProgramInput<T>], outputs: [UnsafeMutablePointer<T>?],
        sums: UnsafeMutablePointer<Double>?, summed: Set<Int>? = nil, threads: Int? = nil,
        descent: ProgramDescent<T>? = nil, afterChunk: (@Sendable (ProgramChunk<T>) -> Void)? = nil
    ) {
        run(count: count, inputs: inputs, outputs: outputs, sums: sums, summed: summed, threads: threads,
            level: SIMDLevel.active, descent: descent, afterChunk: afterChunk)
    }

    /// Lanes per chunk of a run in `T`. A run's `afterChunk` hook sees chunk
    /// `index` as lanes `index * chunkLanes ..< min((index + 1) * chunkLanes, count)`,
    /// so a caller can keep per-chunk results in an array of
    /// `(count + chunkLanes - 1) / chunkLanes` entries and combine them in
    /// chunk order (the same order for any thread count).
    public static func chunkLanes<T: ProgramScalar>(_ type: T.Type) -> Int { ExecutorTuning.chunkLanes(type) }

    /// The full form, with the kernel set named (tests run every level).
    func run<T: ProgramScalar>(
        count: Int, inputs: [ProgramInput<T>], outputs: [UnsafeMutablePointer<T>?],
        sums: UnsafeMutablePointer<Double>?, summed: Set<Int>? = nil, threads: Int?, level: SIMDLevel,
        descent: ProgramDescent<T>? = nil, afterChunk: (@Sendable (ProgramChunk<T>) -> Void)? = nil
    ) {
        precondition(count >= 0, "negative lane count")
        precondition(inputs.count == self.inputs.count, "expected \(self.inputs.count) inputs, got \(inputs.count)")
        precondition(outputs.count == outputCount, "expected \(outputCount) outputs, got \(outputs.count)")
        let workers = max(threads ?? ExecutorTuning.threads(forLanes: count), 1)
        var mask = UInt64.max
        if let summed {
            precondition(summed.allSatisfy { (0..<min(outputCount, 64)).contains($0) }, "Program.run: summed output out of range")
            mask = summed.reduce(0) { $0 | (1 << UInt64($1)) }
        }
        T._run(self, count: count, inputs: inputs, outputs: outputs, sums: sums, summed: mask, threads: workers,
               level: min(level, SIMDLevel.detected), descent: descent, afterChunk: afterChunk)
    }
}

extension Program: CustomStringConvertible {
    /// A listing, one instruction a line: `%4 = sin %2`, then the outputs.
    public var description: String {
        var lines = ["program(\(inputs.joined(separator: ", ")))"]
        for (index, instruction) in instructions.enumerated() {
            let text: String
            switch instruction {
            case .input(let i): text = "input \(inputs[i])"
            case .constant(let value): text = "constant \(Expression.format(value))"
            case .unary(let op, let a): text = "\(op.rawValue) %\(a)"
            case .binary(let op, let a, let b): text = "\(op.rawValue) %\(a), %\(b)"
            }
            lines.append("  %\(index) = \(text)")
        }
        let listed = zip(outputNames, outputs).map { "\($0) %\($1)" }
        lines.append("  return \(listed.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}
