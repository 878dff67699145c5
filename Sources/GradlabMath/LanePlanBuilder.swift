import GradlabSIMD

/// One uniform value of a run, computed once per run as a scalar.
enum UniformStep: Sendable {
    case constant(Double)
    /// The value of uniform input `index`.
    case input(Int)
    case unary(Program.UnaryOperation, Int)
    case binary(Program.BinaryOperation, Int, Int)
}

/// Lowers a Program to a ``LanePlan`` for one shape of inputs and outputs.
///
/// - Values that are the same in every lane (constants, uniform inputs and
///   what is computed only from them) become uniform slots, computed by the
///   `prologue` per run with `ScalarMath`, exactly as the scalar reference.
/// - `sin a` and `cos a` of the same per-lane `a` become one `sincos` step:
///   one argument reduction for both (the tutorial's gradient needs each
///   pair, and so does any user function with sin and cos of one value).
/// - `x^c` and `x^d` of one per-lane `x` with constant exponents become one
///   `powerPair` step: one logarithm of x for both (a power and its
///   derivative's, `x^1.3` and `x^0.3`), and an `abs(x)` read only by the
///   two is folded in.
/// - An arithmetic step whose result only one other arithmetic step reads
///   is folded into that step (a compound step, ``LaneStep/inner``): one
///   pass instead of two, no store and reload of the value between, and
///   the same bits. One level deep, one folded operand per step. Likewise
///   an arithmetic value that only a sin/cos pair reads (`sin(0.5*x)` and
///   `cos(0.5*x)`), and a `negate` of a compound step's result.
/// - An output is written in place by the step computing it; a register is
///   reused once its value is dead; values that outputs read at the end of
///   a chunk (to copy or sum) are never reused.
/// - An output that updates a per-lane input (`inPlace`: an optimizer's new
///   parameter or state) is written straight into the input's memory when
///   no later step reads that input, else into a register and copied there
///   at the end of the chunk.
enum LanePlanBuilder {
    /// - Parameters:
    ///   - fusing: whether to form compound steps, power pairs and fused
    ///     updates (tests compare both plans).
    ///   - inPlace: per output, the per-lane input whose memory it is stored
    ///     into, or nil (an empty array: none).
    ///   - doubleAngles: whether sin a and cos a come from sin(a/2) and
    ///     cos(a/2) when the Program has both pairs (tests compare both plans).
    static func build(
        _ program: Program, lanes: [Bool], stored: [Bool], inPlace: [Int?] = [], fusing: Bool = true,
        doubleAngles: Bool = true
    ) -> (plan: LanePlan, prologue: [UniformStep]) {
        let instructions = program.instructions
        var homes: [LaneSlot?] = Array(repeating: nil, count: instructions.count)
        var prologue: [UniformStep] = []
        var steps: [LaneStep] = []
        var freeRegisters: [Int] = []
        var registerCount = 0

        var outputFor: [Int: Int] = [:]
        var isOutput = Array(repeating: false, count: instructions.count)
        for (k, id) in program.outputs.enumerated() {
            isOutput[id] = true
            if stored[k], outputFor[id] == nil { outputFor[id] = k }
        }
        /// For an in-place output: the instruction reading its input.
        var inputInstruction: [Int: Int] = [:]
        for (id, instruction) in instructions.enumerated() {
            if case .input(let index) = instruction { inputInstruction[index] = id }
        }
        let aliased = inPlace.compactMap { $0 }
        precondition(Set(aliased).count == aliased.count, "LanePlanBuilder: two outputs update one input")
        for (k, input) in inPlace.enumerated() {
            guard let input else { continue }
            precondition(stored[k] && lanes[input], "LanePlanBuilder: an in-place output must be stored into a per-lane input")
            if case .input(let read) = instructions[program.outputs[k]] {
                precondition(!aliased.contains(read), "LanePlanBuilder: an output is itself an input updated in place")
            }
        }
        // sin and cos partners: the first of the pair computes both.
        var sinOf: [Int: Int] = [:], cosOf: [Int: Int] = [:]
        for (id, instruction) in instructions.enumerated() {
            if case .unary(.sin, let a) = instruction { sinOf[a] = sinOf[a] ?? id }
            if case .unary(.cos, let a) = instruction { cosOf[a] = cosOf[a] ?? id }
        }

        // Two powers of one base with constant exponents (`x^1.3` and its
        // derivative's `x^0.3`): the first computes both (``LaneOperation/powerPair``).
        var powerPartner: [Int: Int] = [:]
        if fusing {
            var unpaired: [Int: Int] = [:]
            for (id, instruction) in instructions.enumerated() {
                guard case .binary(.power, let base, let exponent) = instruction,
                      case .constant = instructions[exponent] else { continue }
                if let first = unpaired.removeValue(forKey: base) { powerPartner[first] = id } else { unpaired[base] = id }
            }
        }

        var lastUse = program.lastUse
        // Each value's readers (how many, and the last), and whether it has
        // lanes: what the folds below look at.
        var uses = Array(repeating: 0, count: instructions.count)
        var reader = Array(repeating: -1, count: instructions.count)
        var varying = Array(repeating: false, count: instructions.count)
        for (id, instruction) in instructions.enumerated() {
            switch instruction {
            case .input(let index): varying[id] = lanes[index]
            case .constant: break
            case .unary(_, let a):
                uses[a] += 1; reader[a] = id
                varying[id] = varying[a]
            case .binary(_, let a, let b):
                uses[a] += 1; reader[a] = id
                uses[b] += 1; reader[b] = id
                varying[id] = varying[a] || varying[b]
            }
        }
        // An abs read only by the two powers of a pair (`abs(x)^1.3`, and
        // the derivative's `abs(x)^0.3`): the pair reads x and takes |x|
        // itself (``LaneStep/absoluteBase``); x lives until the pair.
        var absoluteBase: [Int: Int] = [:]  // first power -> the abs's operand
        var foldedAbs = Set<Int>()
        if fusing {
            for first in powerPartner.keys.sorted() {
                guard case .binary(_, let base, _) = instructions[first], case .unary(.abs, let x) = instructions[base],
                      varying[x], uses[base] == 2, !isOutput[base] else { continue }
                absoluteBase[first] = x
                foldedAbs.insert(base)
                lastUse[x] = max(lastUse[x], first)
            }
        }
        // Double angles: `halfAngle[a] = h` when the Program has sin and cos
        // of both a and h = a/2 (as `0.5*a`, `a*0.5` or `a/2`: the same
        // value, halving being exact). sin a and cos a are then computed
        // from sin h and cos h (``LaneOperation/doubleAngle``) where a's
        // first sin or cos is, and h's pair from then on if it came later;
        // its two values live until there.
        var halfAngle: [Int: Int] = [:]
        if doubleAngles {
            func constant(_ id: Int) -> Double? {
                if case .constant(let value) = instructions[id] { return value }
                return nil
            }
            for (h, instruction) in instructions.enumerated() {
                guard let sh = sinOf[h], let ch = cosOf[h] else { continue }
                let a: Int
                switch instruction {
                case .binary(.multiply, let p, let q) where constant(q) == 0.5: a = p
                case .binary(.multiply, let p, let q) where constant(p) == 0.5: a = q
                case .binary(.divide, let p, let q) where constant(q) == 2: a = p
                default: continue
                }
                guard constant(a) == nil, let s = sinOf[a], let c = cosOf[a], halfAngle[a] == nil else { continue }
                halfAngle[a] = h
                lastUse[sh] = max(lastUse[sh], min(s, c))
                lastUse[ch] = max(lastUse[ch], min(s, c))
            }
        }
        // Compound steps: `foldInto[x] = y` when y is x's only reader and
        // both are arithmetic; x's operands then live until y.
        var foldInto: [Int: Int] = [:]
        /// A compound step whose only reader is a negation: step id -> negation id.
        var negationReading: [Int: Int] = [:]
        if fusing {
            var absorbs = Set<Int>()
            for (x, instruction) in instructions.enumerated() {
                guard case .binary(let op, let a, let b) = instruction, LaneOperation(op).isArithmetic,
                      uses[x] == 1, !isOutput[x], !absorbs.contains(x) else { continue }
                let y = reader[x]
                guard case .binary(let outer, _, _) = instructions[y], LaneOperation(outer).isArithmetic,
                      !absorbs.contains(y) else { continue }
                foldInto[x] = y
                absorbs.insert(y)
                lastUse[a] = max(lastUse[a], y)
                lastUse[b] = max(lastUse[b], y)
            }
            for (x, instruction) in instructions.enumerated() where foldInto[x] == nil && !absorbs.contains(x) {
                // Read only by a sin/cos pair: folded into their sincos step.
                guard case .binary(let op, let a, let b) = instruction, LaneOperation(op).isArithmetic, !isOutput[x],
                      let s = sinOf[x], let c = cosOf[x], uses[x] == 2 else { continue }
                let first = min(s, c)
                foldInto[x] = first
                lastUse[a] = max(lastUse[a], first)
                lastUse[b] = max(lastUse[b], first)
            }
            for y in absorbs where uses[y] == 1 && !isOutput[y] {
                if case .unary(.negate, y) = instructions[reader[y]] { negationReading[y] = reader[y] }
            }
        }
        /// Negations a compound step computed (see `negationReading`).
        var foldedNegations = Set<Int>()
        /// A folded value waiting for its reader: its operation and operands.
        var pending: [Int: (op: LaneOperation, a: LaneSlot, b: LaneSlot)] = [:]

        func uniform(_ step: UniformStep) -> LaneSlot {
            prologue.append(step)
            return .uniform(prologue.count - 1)
        }
        /// A home for `id`, computed by the step emitted at instruction `position`.
        func newDestination(_ id: Int, at position: Int) -> LaneSlot {
            if let k = outputFor[id] {
                // In place only once no later step reads the input it overwrites.
                guard k < inPlace.count, let input = inPlace[k], let reader = inputInstruction[input],
                      lastUse[reader] > position else { return .output(k) }
            }
            if let slot = freeRegisters.popLast() { return .register(slot) }
            registerCount += 1
            return .register(registerCount - 1)
        }
        /// Frees the register of each operand read for the last time at `id`.
        func release(_ operands: [Int], at id: Int) {
            for a in Set(operands) where lastUse[a] == id && !isOutput[a] {
                if case .register(let slot) = homes[a] { freeRegisters.append(slot) }
            }
        }

        /// Emits the sincos step of `h` (a half angle, see `halfAngle`) at
        /// instruction `position`, before its own sin or cos: from h's home
        /// or its folded operation if h came before, else from h's operands
        /// (an operand not yet reached is the constant, given a slot of its own).
        func emitHalfAngles(of h: Int, at position: Int) {
            guard let sh = sinOf[h], let ch = cosOf[h] else { return }
            let sine = newDestination(sh, at: position)
            let cosine = newDestination(ch, at: position)
            homes[sh] = sine
            homes[ch] = cosine
            if let home = homes[h] {
                steps.append(LaneStep(.sincos, home, into: sine, second: cosine))
                return
            }
            if let folded = pending[h] {
                steps.append(LaneStep(sincosOf: folded.op, folded.a, folded.b, into: sine, second: cosine))
                return
            }
            guard case .binary(let op, let p, let q) = instructions[h] else { preconditionFailure("half angle is not binary") }
            func slot(_ id: Int) -> LaneSlot {
                if let home = homes[id] { return home }
                guard case .constant(let value) = instructions[id] else { preconditionFailure("half angle operand without a home") }
                return uniform(.constant(value))
            }
            steps.append(LaneStep(sincosOf: LaneOperation(op), slot(p), slot(q), into: sine, second: cosine))
        }

        for (id, instruction) in instructions.enumerated() {
            switch instruction {
            case .input(let index):
                homes[id] = lanes[index] ? .input(index) : uniform(.input(index))
            case .constant(let value):
                homes[id] = uniform(.constant(value))
            case .unary(let op, let a):
                if foldedAbs.contains(id) {
                    // Read only by a power pair, which takes |a| itself.
                    continue
                }
                if foldedNegations.contains(id) {
                    // The compound step it reads wrote -value into its home.
                    continue
                }
                if homes[id] != nil {  // computed by its sincos partner
                    release([a], at: id)
                    if pending[a] != nil, case .binary(_, let p, let q) = instructions[a] { release([p, q], at: id) }
                    continue
                }
                if let folded = pending[a], let partner = op == .sin ? cosOf[a] : (op == .cos ? sinOf[a] : nil), partner > id {
                    guard case .binary(_, let p, let q) = instructions[a] else { preconditionFailure("folded value is not binary") }
                    release([p, q], at: id)
                    let destination = newDestination(id, at: id)
                    let other = newDestination(partner, at: id)
                    homes[id] = destination
                    homes[partner] = other
                    let (sine, cosine) = op == .sin ? (destination, other) : (other, destination)
                    steps.append(LaneStep(sincosOf: folded.op, folded.a, folded.b, into: sine, second: cosine))
                    continue
                }
                guard let source = homes[a] else { preconditionFailure("operand without a home") }
                if case .uniform(let slot) = source {
                    homes[id] = uniform(.unary(op, slot))
                    continue
                }
                if let h = halfAngle[a], let sh = sinOf[h], let ch = cosOf[h], op == .sin || op == .cos {
                    if homes[sh] == nil { emitHalfAngles(of: h, at: id) }
                    guard let sineOfHalf = homes[sh], let cosineOfHalf = homes[ch],
                          let partner = op == .sin ? cosOf[a] : sinOf[a] else { preconditionFailure("half angle without its pair") }
                    release([a, sh, ch], at: id)
                    let destination = newDestination(id, at: id)
                    let other = newDestination(partner, at: id)
                    homes[id] = destination
                    homes[partner] = other
                    let (sine, cosine) = op == .sin ? (destination, other) : (other, destination)
                    steps.append(LaneStep(.doubleAngle, sineOfHalf, cosineOfHalf, into: sine, second: cosine))
                    continue
                }
                release([a], at: id)
                let partner = op == .sin ? cosOf[a] : (op == .cos ? sinOf[a] : nil)
                let destination = newDestination(id, at: id)
                homes[id] = destination
                if let partner, partner > id {
                    let other = newDestination(partner, at: id)
                    homes[partner] = other
                    let (sine, cosine) = op == .sin ? (destination, other) : (other, destination)
                    steps.append(LaneStep(.sincos, source, into: sine, second: cosine))
                } else {
                    steps.append(LaneStep(LaneOperation(op), source, into: destination))
                }
            case .binary(let op, let a, let b):
                if homes[id] != nil {  // computed by its power partner
                    release([a, b], at: id)
                    continue
                }
                if let x = absoluteBase[id], let base = homes[x], let exponent = homes[b], let partner = powerPartner[id],
                   case .binary(_, _, let second) = instructions[partner], case .constant(let value) = instructions[second] {
                    // A pair of powers of |x| (the abs folded in); x stays live until here.
                    release([x, b], at: id)
                    let destination = newDestination(id, at: id)
                    let other = newDestination(partner, at: id)
                    homes[id] = destination
                    homes[partner] = other
                    steps.append(LaneStep(powersOf: base, exponent, homes[second] ?? uniform(.constant(value)), absolute: true,
                                          into: destination, second: other))
                    continue
                }
                if let folded = pending[a] ?? pending[b] {
                    let innerFirst = pending[a] != nil
                    let other = innerFirst ? b : a
                    guard let c = homes[other] else { preconditionFailure("operand without a home") }
                    guard case .binary(_, let p, let q) = instructions[innerFirst ? a : b] else { preconditionFailure("folded value is not binary") }
                    release([p, q, other], at: id)
                    // A folded negation's home is the negation's (an output's buffer, when it is one).
                    let negation = negationReading[id]
                    let destination = newDestination(negation ?? id, at: id)
                    homes[id] = destination
                    if let negation {
                        homes[negation] = destination
                        foldedNegations.insert(negation)
                    }
                    steps.append(LaneStep(LaneOperation(op), inner: folded.op, folded.a, folded.b, c: c, innerFirst: innerFirst,
                                          negated: negation != nil, into: destination))
                    continue
                }
                guard let x = homes[a], let y = homes[b] else { preconditionFailure("operand without a home") }
                if case .uniform(let u) = x, case .uniform(let v) = y {
                    homes[id] = uniform(.binary(op, u, v))
                    continue
                }
                if foldInto[id] != nil {
                    // Computed by its reader's step; operands stay live until then.
                    pending[id] = (LaneOperation(op), x, y)
                    continue
                }
                if let partner = powerPartner[id], case .binary(_, _, let exponent) = instructions[partner],
                   case .constant(let value) = instructions[exponent] {
                    // The base stays live until the partner's position (it reads it).
                    release([a, b], at: id)
                    let destination = newDestination(id, at: id)
                    let other = newDestination(partner, at: id)
                    homes[id] = destination
                    homes[partner] = other
                    steps.append(LaneStep(powersOf: x, y, homes[exponent] ?? uniform(.constant(value)), into: destination, second: other))
                    continue
                }
                // Freed before the destination is chosen, so an operand's
                // register can be overwritten in place (the loops are elementwise).
                release([a, b], at: id)
                let destination = newDestination(id, at: id)
                homes[id] = destination
                steps.append(LaneStep(LaneOperation(op), x, y, into: destination))
            }
        }
        let outputSources = program.outputs.map { id -> LaneSlot in
            guard let home = homes[id] else { preconditionFailure("output without a home") }
            return home
        }
        var plan = LanePlan(steps: steps, registerCount: registerCount, inputCount: program.inputs.count,
                            outputCount: program.outputCount, outputSources: outputSources)
        if fusing { LaneFusionMatcher.fuse(&plan, inPlace: inPlace) }
        return (plan, prologue)
    }
}

extension LaneOperation {
    init(_ op: Program.UnaryOperation) {
        switch op {
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
        case .sign: self = .sign
        case .step: self = .step
        }
    }

    init(_ op: Program.BinaryOperation) {
        switch op {
        case .add: self = .add
        case .subtract: self = .subtract
        case .multiply: self = .multiply
        case .divide: self = .divide
        case .power: self = .power
        case .minimum: self = .minimum
        case .maximum: self = .maximum
        case .minimumGradient: self = .minimumGradient
        case .maximumGradient: self = .maximumGradient
        case .larger: self = .larger
        }
    }
}
