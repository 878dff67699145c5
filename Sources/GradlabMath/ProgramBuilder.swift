/// Builds SSA instructions with hash-consing, constant folding and exact
/// algebraic simplification.
///
/// Every emit returns the index of an instruction computing the requested
/// value, reusing an existing one when the same instruction was emitted
/// before: that is what shares common subexpressions between the value and
/// the gradient. Only rewrites that are exact in IEEE arithmetic (up to the
/// sign of a zero result) are made, so a Program computes what the
/// expression says, operation for operation:
///
/// - `x*1`, `x/1`, `x^1` → `x`; `x^0` → 1; `x*-1` → `-x`; `-(-x)` → `x`
/// - negations move outward through `*` and `/`, and `a + -b` → `a - b`
/// - `+` and `*` order their operands, so `a*b` and `b*a` are one value.
///
/// With `lowersPowers`, a constant exponent takes torch's fast paths (see
/// ``ScalarMath/power(_:constantExponent:)``). Reverse mode builds without
/// lowering, so that it sees `x^c` whole and differentiates it as torch
/// does, `c * x^(c-1)`; the final rebuild lowers.
struct ProgramBuilder {
    private(set) var instructions: [Program.Instruction] = []
    private var existing: [Key: Int] = [:]
    let lowersPowers: Bool
    /// Whether negations move outward through `*`, `/`, `+` and `-` (the
    /// differentiator's adjoints are full of them). Composed instructions
    /// keep theirs where they are: moving a gradient's negation into an
    /// optimizer's update would give the negated value a second reader, and
    /// the plan could no longer fold the negation into the step computing it.
    var movesNegations = true

    /// Like ``Program/Instruction``, but a constant is keyed by its bits, so
    /// 0 and -0 stay apart and NaN finds itself.
    private enum Key: Hashable {
        case input(Int)
        case constant(UInt64)
        case unary(Program.UnaryOperation, Int)
        case binary(Program.BinaryOperation, Int, Int)
    }

    init(lowersPowers: Bool) {
        self.lowersPowers = lowersPowers
    }

    var count: Int { instructions.count }

    /// The constant at `id`, if it is one.
    func constantValue(_ id: Int) -> Double? {
        if case .constant(let value) = instructions[id] { return value }
        return nil
    }

    /// The operand of `id` if it is a negation.
    private func negated(_ id: Int) -> Int? {
        if case .unary(.negate, let operand) = instructions[id] { return operand }
        return nil
    }

    /// The index of an existing input instruction, if there is one.
    func existingInput(_ index: Int) -> Int? { existing[.input(index)] }

    private mutating func intern(_ key: Key, _ instruction: Program.Instruction) -> Int {
        if let id = existing[key] { return id }
        instructions.append(instruction)
        existing[key] = instructions.count - 1
        return instructions.count - 1
    }

    mutating func input(_ index: Int) -> Int { intern(.input(index), .input(index)) }

    /// Interns `instruction` with no rewriting (see ``init(appending:)``).
    mutating func internRaw(_ instruction: Program.Instruction) -> Int {
        switch instruction {
        case .input(let index): intern(.input(index), instruction)
        case .constant(let value): intern(.constant(value.bitPattern), instruction)
        case .unary(let op, let a): intern(.unary(op, a), instruction)
        case .binary(let op, let a, let b): intern(.binary(op, a, b), instruction)
        }
    }

    mutating func constant(_ value: Double) -> Int { intern(.constant(value.bitPattern), .constant(value)) }

    mutating func unary(_ op: Program.UnaryOperation, _ a: Int) -> Int {
        if let x = constantValue(a) { return constant(ScalarMath.apply(op, x)) }
        if op == .negate, let inner = negated(a) { return inner }
        return intern(.unary(op, a), .unary(op, a))
    }

    mutating func binary(_ op: Program.BinaryOperation, _ a: Int, _ b: Int) -> Int {
        if op == .power { return power(a, b) }
        if let x = constantValue(a), let y = constantValue(b) { return constant(ScalarMath.apply(op, x, y)) }
        switch op {
        case .add where movesNegations:
            // Exact: a + (-b) is by definition a - b, and (-a) + (-b) = -(a + b)
            // because rounding is symmetric.
            switch (negated(a), negated(b)) {
            case let (na?, nb?): return unary(.negate, binary(.add, na, nb))
            case let (nil, nb?): return binary(.subtract, a, nb)
            case let (na?, nil): return binary(.subtract, b, na)
            case (nil, nil): break
            }
        case .subtract where movesNegations:
            if let nb = negated(b) { return binary(.add, a, nb) }
            if let na = negated(a) { return unary(.negate, binary(.add, na, b)) }
        case .multiply:
            if constantValue(a) == 1 { return b }
            if constantValue(b) == 1 { return a }
            if constantValue(a) == -1 { return unary(.negate, b) }
            if constantValue(b) == -1 { return unary(.negate, a) }
            guard movesNegations else { break }
            switch (negated(a), negated(b)) {
            case let (na?, nb?): return binary(.multiply, na, nb)
            case let (na?, nil): return unary(.negate, binary(.multiply, na, b))
            case let (nil, nb?): return unary(.negate, binary(.multiply, a, nb))
            case (nil, nil): break
            }
        case .divide:
            if constantValue(b) == 1 { return a }
            guard movesNegations else { break }
            switch (negated(a), negated(b)) {
            case let (na?, nb?): return binary(.divide, na, nb)
            case let (na?, nil): return unary(.negate, binary(.divide, na, b))
            case let (nil, nb?): return unary(.negate, binary(.divide, a, nb))
            case (nil, nil): break
            }
        default:
            break
        }
        // IEEE + and * are commutative; one operand order makes a*b and b*a
        // a single value. min and max are not (NaN and signed zeros), so
        // they keep theirs.
        if op == .add || op == .multiply, a > b { return intern(.binary(op, b, a), .binary(op, b, a)) }
        return intern(.binary(op, a, b), .binary(op, a, b))
    }

    /// `base ^ exponent`, with the exact identities `x^0 = 1` and `x^1 = x`,
    /// and torch's fast paths for a constant exponent when lowering.
    mutating func power(_ base: Int, _ exponent: Int) -> Int {
        guard let c = constantValue(exponent) else {
            return intern(.binary(.power, base, exponent), .binary(.power, base, exponent))
        }
        if let x = constantValue(base) { return constant(ScalarMath.power(x, constantExponent: c)) }
        if c == 0 { return constant(1) }
        if c == 1 { return base }
        if lowersPowers {
            switch c {
            case 2: return binary(.multiply, base, base)
            case 3: return binary(.multiply, binary(.multiply, base, base), base)
            case 0.5: return unary(.sqrt, base)
            case -0.5: return binary(.divide, constant(1), unary(.sqrt, base))
            case -1: return binary(.divide, constant(1), base)
            case -2: return binary(.divide, constant(1), binary(.multiply, base, base))
            default: break
            }
        }
        return intern(.binary(.power, base, exponent), .binary(.power, base, exponent))
    }

    /// Emits an expression tree; a variable missing from `inputIndex` reads as NaN,
    /// as in ``Expression/evaluate(_:)``.
    mutating func emit(_ expression: Expression, inputIndex: [String: Int]) -> Int {
        switch expression {
        case .number(let value):
            return constant(value)
        case .variable(let name):
            guard let index = inputIndex[name] else { return constant(.nan) }
            return input(index)
        case .unary(let function, let operand):
            return unary(Program.UnaryOperation(function), emit(operand, inputIndex: inputIndex))
        case .binary(let op, let lhs, let rhs):
            let a = emit(lhs, inputIndex: inputIndex)
            let b = emit(rhs, inputIndex: inputIndex)
            return binary(Program.BinaryOperation(op), a, b)
        }
    }

    /// Re-emits the instructions that `roots` depend on into a fresh
    /// builder (dropping the rest) and returns it with the roots' new indices.
    func rebuilt(keeping roots: [Int], lowersPowers: Bool) -> (builder: ProgramBuilder, roots: [Int]) {
        let needed = reachable(from: roots)
        var fresh = ProgramBuilder(lowersPowers: lowersPowers)
        var newID = Array(repeating: -1, count: instructions.count)
        for id in instructions.indices where needed[id] {
            switch instructions[id] {
            case .input(let index): newID[id] = fresh.input(index)
            case .constant(let value): newID[id] = fresh.constant(value)
            case .unary(let op, let a): newID[id] = fresh.unary(op, newID[a])
            case .binary(let op, let a, let b): newID[id] = fresh.binary(op, newID[a], newID[b])
            }
        }
        return (fresh, roots.map { newID[$0] })
    }

    /// The instructions `roots` depend on, renumbered in order, with no
    /// rewriting: simplification can leave an emitted instruction unused,
    /// and this drops it.
    func compacted(keeping roots: [Int]) -> (instructions: [Program.Instruction], roots: [Int]) {
        let needed = reachable(from: roots)
        var kept: [Program.Instruction] = []
        var newID = Array(repeating: -1, count: instructions.count)
        for id in instructions.indices where needed[id] {
            newID[id] = kept.count
            switch instructions[id] {
            case .input, .constant: kept.append(instructions[id])
            case .unary(let op, let a): kept.append(.unary(op, newID[a]))
            case .binary(let op, let a, let b): kept.append(.binary(op, newID[a], newID[b]))
            }
        }
        return (kept, roots.map { newID[$0] })
    }

    /// Marks the instructions that `roots` depend on (operands precede users,
    /// so one backward sweep suffices).
    private func reachable(from roots: [Int]) -> [Bool] {
        var needed = Array(repeating: false, count: instructions.count)
        for root in roots { needed[root] = true }
        for id in stride(from: instructions.count - 1, through: 0, by: -1) where needed[id] {
            switch instructions[id] {
            case .input, .constant: break
            case .unary(_, let a): needed[a] = true
            case .binary(_, let a, let b):
                needed[a] = true
                needed[b] = true
            }
        }
        return needed
    }
}
