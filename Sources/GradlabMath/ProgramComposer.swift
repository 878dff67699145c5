/// A value being composed into a Program: the index of the instruction
/// that computes it (see ``ProgramComposer``).
public struct ProgramValue: Hashable, Sendable {
    public let id: Int
}

/// Builds a Program from another one plus instructions of the caller's: an
/// optimizer's update appended to a gradient Program, so that one sweep
/// computes f, ∇f and the step.
///
///     var composer = ProgramComposer(extending: gradient)   // inputs x; outputs f, df/dx
///     let x = composer.input("x"), lr = composer.input("lr")
///     let step = composer.binary(.multiply, lr, composer.baseOutputs[1])
///     let updated = composer.binary(.subtract, x, step)
///     let program = composer.program(outputs: [("f", composer.baseOutputs[0]), ("x'", updated)])
///
/// New instructions go through the same hash-consing and exact
/// simplifications as differentiation (``Program/valueAndGradient(of:inputs:respect:)``),
/// but for moving negations, so a value computed twice is computed once and
/// the result is what the operations say in IEEE arithmetic; the base
/// Program's instructions are kept as they are.
public struct ProgramComposer {
    private var builder: ProgramBuilder = {
        var builder = ProgramBuilder(lowersPowers: true)
        builder.movesNegations = false
        return builder
    }()
    public private(set) var inputs: [String] = []
    /// The base Program's outputs, as values to build on.
    public private(set) var baseOutputs: [ProgramValue] = []

    /// An empty Program to compose from inputs alone.
    public init() {}

    /// Starts from `base`: its inputs (in order) and instructions.
    public init(extending base: Program) {
        inputs = base.inputs
        builder = ProgramBuilder(appending: base.instructions)
        builder.movesNegations = false
        baseOutputs = base.outputs.map(ProgramValue.init(id:))
    }

    /// The input named `name`, added after the others if new.
    public mutating func input(_ name: String) -> ProgramValue {
        if let index = inputs.firstIndex(of: name) { return ProgramValue(id: builder.input(index)) }
        inputs.append(name)
        return ProgramValue(id: builder.input(inputs.count - 1))
    }

    public mutating func constant(_ value: Double) -> ProgramValue { ProgramValue(id: builder.constant(value)) }

    public mutating func unary(_ op: Program.UnaryOperation, _ a: ProgramValue) -> ProgramValue {
        ProgramValue(id: builder.unary(op, a.id))
    }

    public mutating func binary(_ op: Program.BinaryOperation, _ a: ProgramValue, _ b: ProgramValue) -> ProgramValue {
        ProgramValue(id: builder.binary(op, a.id, b.id))
    }

    /// The Program computing `outputs`, in that order, under their names;
    /// instructions no output needs are dropped.
    public func program(outputs: [(name: String, value: ProgramValue)]) -> Program {
        let compact = builder.compacted(keeping: outputs.map(\.value.id))
        return Program(inputs: inputs, respect: [], instructions: compact.instructions, outputs: compact.roots,
                       outputNames: outputs.map(\.name))
    }
}

extension ProgramBuilder {
    /// A builder holding `instructions` as they are (an existing Program's:
    /// already simplified, so they are interned without rewriting).
    init(appending instructions: [Program.Instruction]) {
        self.init(lowersPowers: true)
        for (index, instruction) in instructions.enumerated() {
            let id = internRaw(instruction)
            precondition(id == index, "ProgramComposer: the base Program repeats an instruction")
        }
    }
}
