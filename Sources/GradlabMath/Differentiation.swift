extension Program {
    /// Reverse-mode differentiation of `expression` into one Program.
    ///
    /// The value pass and the adjoint pass are emitted into one hash-consed
    /// instruction list, so a subexpression is computed once wherever it
    /// appears (for the tutorial's function, `sin(x1)`, `cos(x2)`, ... once
    /// each, in the value and the gradient alike), and constants are folded.
    /// Local derivatives follow PyTorch's autograd formulas, kinks included
    /// (`docs/expressions.md`). Adjoints are propagated only through values
    /// that depend on a `respect` variable.
    ///
    /// - Parameters:
    ///   - expression: the function; a variable not in `inputs` reads as NaN.
    ///   - inputs: the order of inputs for ``evaluate(_:)`` and ``run(count:inputs:outputs:)``.
    ///   - respect: the variables to differentiate against; one not used by
    ///     the expression (or not an input) gets the constant gradient 0.
    /// - Returns: a Program with outputs `[value, d/d respect[0], ...]`.
    public static func valueAndGradient(of expression: Expression, inputs: [String], respect: [String]) -> Program {
        var builder = ProgramBuilder(lowersPowers: false)
        let value = builder.emit(expression, inputIndex: indexByName(inputs))
        var roots = [value]
        if !respect.isEmpty {
            let adjoints = builder.backpropagate(from: value, respect: Set(respect), inputs: inputs)
            for name in respect {
                let input = inputs.firstIndex(of: name).flatMap { builder.existingInput($0) }
                roots.append(input.flatMap { adjoints[$0] } ?? builder.constant(0))
            }
        }
        return finished(builder, roots: roots, inputs: inputs, respect: respect)
    }

    /// The value, the gradient and the Hessian in one Program, by
    /// reverse-over-reverse: each gradient entry (already instructions of
    /// the same hash-consed list) is differentiated once more, so the second
    /// pass reuses the first's subexpressions (`cos(x1)` of ∂f/∂x1 is the
    /// value pass's own). Second derivatives follow from the same local
    /// formulas; piecewise-constant parts (`sign`, `step`, the min/max
    /// splits) differentiate to 0, as in torch's double backward.
    ///
    /// - Returns: a Program with outputs `[value, g_0 … g_{n-1}, H_00, H_01 … H_{n-1,n-1}]`
    ///   (the Hessian row by row, n = `respect.count`).
    public static func valueGradientHessian(of expression: Expression, inputs: [String], respect: [String]) -> Program {
        var builder = ProgramBuilder(lowersPowers: false)
        let value = builder.emit(expression, inputIndex: indexByName(inputs))
        var gradient: [Int] = []
        if !respect.isEmpty {
            let adjoints = builder.backpropagate(from: value, respect: Set(respect), inputs: inputs)
            for name in respect {
                let input = inputs.firstIndex(of: name).flatMap { builder.existingInput($0) }
                gradient.append(input.flatMap { adjoints[$0] } ?? builder.constant(0))
            }
        }
        var hessian: [Int] = []
        for entry in gradient {
            let second = builder.backpropagate(from: entry, respect: Set(respect), inputs: inputs)
            for name in respect {
                let input = inputs.firstIndex(of: name).flatMap { builder.existingInput($0) }
                hessian.append(input.flatMap { second[$0] } ?? builder.constant(0))
            }
        }
        let names = ["value"] + respect.map { "d/d\($0)" } + respect.flatMap { a in respect.map { "d2/d\(a)d\($0)" } }
        return finished(builder, roots: [value] + gradient + hessian, inputs: inputs, respect: respect, names: names)
    }

    /// A Program computing only the value (for example a test loss).
    ///
    /// - Parameters:
    ///   - expression: the function; a variable not in `inputs` reads as NaN.
    ///   - inputs: the order of inputs for ``evaluate(_:)`` and ``run(count:inputs:outputs:)``.
    public static func value(of expression: Expression, inputs: [String]) -> Program {
        var builder = ProgramBuilder(lowersPowers: false)
        let value = builder.emit(expression, inputIndex: indexByName(inputs))
        return finished(builder, roots: [value], inputs: inputs, respect: [])
    }

    /// The first index of each name (a repeated name binds its first slot).
    private static func indexByName(_ inputs: [String]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (i, name) in inputs.enumerated() where index[name] == nil { index[name] = i }
        return index
    }

    /// Lowers powers to their fast paths, drops dead instructions, renumbers.
    private static func finished(_ builder: ProgramBuilder, roots: [Int], inputs: [String], respect: [String],
                                 names: [String]? = nil) -> Program {
        let lowered = builder.rebuilt(keeping: roots, lowersPowers: true)
        let compact = lowered.builder.compacted(keeping: lowered.roots)
        return Program(inputs: inputs, respect: respect, instructions: compact.instructions, outputs: compact.roots,
                       outputNames: names)
    }
}

extension ProgramBuilder {
    /// Emits the adjoint pass for `output` and returns each value's adjoint
    /// (indexed by value; nil where no gradient flows).
    ///
    /// Values are visited from last to first: every user of a value comes
    /// after it, so its adjoint is complete (all contributions summed) when
    /// it is reached.
    mutating func backpropagate(from output: Int, respect: Set<String>, inputs: [String]) -> [Int?] {
        let forwardCount = count
        // Which values depend on a variable we differentiate against; others
        // get no adjoint, so their derivatives are never emitted.
        var active = Array(repeating: false, count: forwardCount)
        for id in 0..<forwardCount {
            switch instructions[id] {
            case .input(let index): active[id] = respect.contains(inputs[index])
            case .constant: active[id] = false
            case .unary(_, let a): active[id] = active[a]
            case .binary(_, let a, let b): active[id] = active[a] || active[b]
            }
        }
        var contributions = Array(repeating: [Int](), count: forwardCount)
        var adjoints = [Int?](repeating: nil, count: forwardCount)
        if active[output] { contributions[output] = [constant(1)] }

        for id in stride(from: forwardCount - 1, through: 0, by: -1) {
            guard active[id], var adjoint = contributions[id].first else { continue }
            for next in contributions[id].dropFirst() { adjoint = binary(.add, adjoint, next) }
            adjoints[id] = adjoint
            switch instructions[id] {
            case .input, .constant:
                break
            case .unary(let op, let a):
                if let local = unaryPartial(op, operand: a, result: id, adjoint: adjoint) {
                    contributions[a].append(local)
                }
            case .binary(let op, let a, let b):
                let partials = binaryPartials(op, a, b, result: id, adjoint: adjoint, active: (active[a], active[b]))
                if let pa = partials.a { contributions[a].append(pa) }
                if let pb = partials.b { contributions[b].append(pb) }
            }
        }
        return adjoints
    }

    /// The adjoint that `y = op(x)` passes to `x`, as torch's autograd forms it.
    private mutating func unaryPartial(_ op: Program.UnaryOperation, operand x: Int, result y: Int, adjoint g: Int) -> Int? {
        switch op {
        case .negate: return unary(.negate, g)
        case .sin: return binary(.multiply, g, unary(.cos, x))
        case .cos: return unary(.negate, binary(.multiply, g, unary(.sin, x)))
        case .tan: return binary(.multiply, g, binary(.add, constant(1), binary(.multiply, y, y)))
        case .exp: return binary(.multiply, g, y)
        case .log: return binary(.divide, g, x)
        // torch: grad / (2 * result), which is inf at 0.
        case .sqrt: return binary(.divide, g, binary(.multiply, constant(2), y))
        // torch: grad * sgn(x), which is 0 at 0.
        case .abs: return binary(.multiply, g, unary(.sign, x))
        case .tanh: return binary(.multiply, g, binary(.subtract, constant(1), binary(.multiply, y, y)))
        case .sigmoid: return binary(.multiply, g, binary(.multiply, binary(.subtract, constant(1), y), y))
        // torch: threshold_backward on relu's output, 0 where it is <= 0.
        case .relu: return binary(.multiply, g, unary(.step, y))
        // Piecewise constant: no gradient (these only appear in gradients).
        case .sign, .step: return nil
        }
    }

    /// The adjoints that `y = op(a, b)` passes to `a` and to `b` (nil where
    /// that operand is inactive).
    private mutating func binaryPartials(
        _ op: Program.BinaryOperation, _ a: Int, _ b: Int, result y: Int, adjoint g: Int, active: (Bool, Bool)
    ) -> (a: Int?, b: Int?) {
        var pa: Int?
        var pb: Int?
        switch op {
        case .add:
            if active.0 { pa = g }
            if active.1 { pb = g }
        case .subtract:
            if active.0 { pa = g }
            if active.1 { pb = unary(.negate, g) }
        case .multiply:
            if active.0 { pa = binary(.multiply, g, b) }
            if active.1 { pb = binary(.multiply, g, a) }
        case .divide:
            if active.0 { pa = binary(.divide, g, b) }
            // torch: -grad * a / (b * b)
            if active.1 { pb = unary(.negate, binary(.divide, binary(.multiply, g, a), binary(.multiply, b, b))) }
        case .power:
            if active.0 {
                if let c = constantValue(b) {
                    // torch's pow_backward for a scalar exponent: zero for
                    // c == 0, else grad * (c * x^(c-1)), the power taking
                    // its fast path once lowered (c == 2 gives 2*x).
                    if c != 0 { pa = binary(.multiply, g, binary(.multiply, b, power(a, constant(c - 1)))) }
                } else {
                    pa = binary(.multiply, g, binary(.multiply, b, power(a, binary(.subtract, b, constant(1)))))
                }
            }
            // d/dy x^y = x^y * log(x), sharing x^y with the value.
            if active.1 { pb = binary(.multiply, g, binary(.multiply, y, unary(.log, a))) }
        case .minimum, .maximum:
            let split: Program.BinaryOperation = op == .minimum ? .minimumGradient : .maximumGradient
            if active.0 { pa = binary(.multiply, g, binary(split, a, b)) }
            if active.1 { pb = binary(.multiply, g, binary(split, b, a)) }
        case .minimumGradient, .maximumGradient, .larger:
            break  // piecewise constant; `larger` is emitted only by optimizer rules, after differentiation
        }
        return (pa, pb)
    }
}
