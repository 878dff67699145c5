/// A Program lowered for one lane at a time: the scalar interpreter's work
/// with the decoding done once. Inputs and constants sit in fixed slots of
/// a value array the plan owns; each step reads two slots and writes one.
/// For loops that evaluate a small Program millions of times in order
/// (per-sample SGD); results are bit-identical to ``Program/evaluate(_:into:)``,
/// as both apply ``ScalarMath`` to the same values in the same order.
///
/// One evaluation at a time (the value array is the plan's own).
public final class ScalarProgram<T: ProgramScalar>: @unchecked Sendable {
    public let program: Program
    private let values: UnsafeMutablePointer<T>
    private let steps: UnsafeMutablePointer<Step>
    private let stepCount: Int
    private let inputSlots: UnsafeMutablePointer<Int>
    private let outputSlots: UnsafeMutablePointer<Int>

    /// One operation: `values[destination] = op(values[a], values[b])`.
    private struct Step {
        var code: Code
        var unary: Program.UnaryOperation
        var binary: Program.BinaryOperation
        var a: Int32, b: Int32, destination: Int32
    }

    /// The operations the loop inlines; the others go through ``ScalarMath``.
    private enum Code: UInt8 { case add, subtract, multiply, divide, negate, abs, sign, otherUnary, otherBinary }

    public init(_ program: Program) {
        self.program = program
        let count = max(program.instructions.count, 1)
        values = .allocate(capacity: count)
        values.initialize(repeating: 0, count: count)
        steps = .allocate(capacity: count)
        inputSlots = .allocate(capacity: max(program.inputs.count, 1))
        inputSlots.initialize(repeating: -1, count: max(program.inputs.count, 1))
        outputSlots = .allocate(capacity: max(program.outputCount, 1))
        var n = 0
        for (id, instruction) in program.instructions.enumerated() {
            switch instruction {
            case .input(let index): inputSlots[index] = id
            case .constant(let value): values[id] = T(value)
            case .unary(let op, let a):
                let code: Code = switch op { case .negate: .negate; case .abs: .abs; case .sign: .sign; default: .otherUnary }
                (steps + n).initialize(to: Step(code: code, unary: op, binary: .add, a: Int32(a), b: Int32(a), destination: Int32(id)))
                n += 1
            case .binary(let op, let a, let b):
                let code: Code = switch op {
                case .add: .add
                case .subtract: .subtract
                case .multiply: .multiply
                case .divide: .divide
                default: .otherBinary
                }
                (steps + n).initialize(to: Step(code: code, unary: .negate, binary: op, a: Int32(a), b: Int32(b), destination: Int32(id)))
                n += 1
            }
        }
        stepCount = n
        for (k, id) in program.outputs.enumerated() { outputSlots[k] = id }
    }

    deinit {
        values.deallocate()
        steps.deallocate()
        inputSlots.deallocate()
        outputSlots.deallocate()
    }

    /// Evaluates one lane: `inputs` has one value per Program input,
    /// `results` room for one per output.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func evaluate(_ inputs: UnsafePointer<T>, into results: UnsafeMutablePointer<T>) {
        let values = self.values
        for i in 0..<program.inputs.count where inputSlots[i] >= 0 { values[inputSlots[i]] = inputs[i] }
        runSteps()
        for k in 0..<program.outputCount { results[k] = values[outputSlots[k]] }
    }

    /// Sets input `index` for the lanes that follow (an input that
    /// ``runLanes(count:inputs:inputStrides:outputs:outputStrides:summed:sums:)``
    /// does not read from memory).
    public func setInput(_ index: Int, _ value: T) {
        if inputSlots[index] >= 0 { values[inputSlots[index]] = value }
    }

    /// Runs lanes `0..<count` in order. Lane j reads input i at
    /// `inputs[i] + j * inputStrides[i]` (nil: the value last set with
    /// ``setInput(_:_:)``; stride 0: one place, read afresh each lane, so it
    /// sees what the lane before wrote there), writes output k to
    /// `outputs[k] + j * outputStrides[k]` (nil: not stored) once the lane
    /// is done, and adds each `summed` output to its entry of `sums` in Double.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func runLanes(
        count: Int, inputs: UnsafePointer<UnsafePointer<T>?>, inputStrides: UnsafePointer<Int>,
        outputs: UnsafePointer<UnsafeMutablePointer<T>?>, outputStrides: UnsafePointer<Int>,
        summed: UnsafeBufferPointer<Int>, sums: UnsafeMutablePointer<Double>
    ) {
        let values = self.values
        let inputCount = program.inputs.count, outputCount = program.outputCount
        for j in 0..<count {
            for i in 0..<inputCount {
                guard let base = inputs[i], inputSlots[i] >= 0 else { continue }
                values[inputSlots[i]] = base[j * inputStrides[i]]
            }
            runSteps()
            for k in 0..<outputCount {
                guard let base = outputs[k] else { continue }
                base[j * outputStrides[k]] = values[outputSlots[k]]
            }
            for k in summed { sums[k] += Double(values[outputSlots[k]]) }
        }
    }

    @inline(__always)
    private func runSteps() {
        let values = self.values
        for s in 0..<stepCount {
            let step = steps[s]
            let x = values[Int(step.a)], y = values[Int(step.b)]
            let r: T
            switch step.code {
            case .add: r = x + y
            case .subtract: r = x - y
            case .multiply: r = x * y
            case .divide: r = x / y
            case .negate: r = -x
            case .abs: r = x.magnitude
            case .sign: r = ScalarMath.sign(x)
            case .otherUnary: r = ScalarMath.apply(step.unary, x)
            case .otherBinary: r = ScalarMath.apply(step.binary, x, y)
            }
            values[Int(step.destination)] = r
        }
    }
}
