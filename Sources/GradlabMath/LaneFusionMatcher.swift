import GradlabSIMD

/// Replaces each run of plan steps that computes a ``FusedKernel``'s
/// pattern by one fused step (``LaneFusion``): an optimizer's update, one
/// pass over a chunk instead of one per step, with the same bits.
///
/// A run matches when its steps, taken apart into single operations, are
/// the kernel's operations on the same operands (add and multiply in
/// either order, which IEEE arithmetic allows), nothing more: every value
/// the steps leave that a later step, an output or a copy at the end of the
/// chunk reads is one of the kernel's results, stored where the step put
/// it. A result nothing reads goes to a scratch register. When the run
/// holds the last read of a parameter that an in-place output overwrites,
/// the new value is stored straight into the parameter's memory instead of
/// a register copied there at the end of the chunk.
enum LaneFusionMatcher {
    static let patterns: [(kernel: FusedKernel, pattern: FusedPattern)] = FusedKernel.allCases.map { ($0, $0.pattern) }

    /// Fuses `plan`'s steps where a kernel's pattern matches.
    /// - Parameter inPlace: per output, the per-lane input it overwrites (or nil).
    static func fuse(_ plan: inout LanePlan, inPlace: [Int?]) {
        var sink: Int?
        var start = 0
        while start < plan.steps.count {
            defer { start += 1 }
            for (kernel, pattern) in patterns {
                guard var match = match(pattern, kernel: kernel, in: plan, at: start) else { continue }
                for (k, result) in match.results.enumerated() where result == nil {
                    if sink == nil {
                        sink = plan.registerCount
                        plan.registerCount += 1
                    }
                    match.results[k] = .register(sink.unsafelyUnwrapped)
                }
                var results = match.results.map { $0.unsafelyUnwrapped }
                storeInPlace(&results, &plan, after: match.end, inPlace: inPlace)
                plan.fuse(start..<match.end, into: LaneFusion(kernel: kernel, operands: match.operands, results: results))
                break
            }
        }
    }

    /// A window of steps taken apart: operands read from before it, and
    /// single operations on earlier nodes.
    private enum Node: Equatable {
        case external(LaneSlot)
        case operation(LaneOperation, [Int])
    }

    private struct Match {
        var end: Int
        var operands: [LaneSlot]
        /// Where each result is stored; nil: nothing reads it.
        var results: [LaneSlot?]
    }

    /// The run of steps from `start` that computes `pattern`, if there is one.
    private static func match(_ pattern: FusedPattern, kernel: FusedKernel, in plan: LanePlan, at start: Int) -> Match? {
        let patternOperations = pattern.nodes.count { if case .operation = $0 { true } else { false } }
        // Results nothing else in the pattern reads may go unmatched (how
        // far a parameter moved, when the sweep does not track it).
        var read = Set<Int>()
        for case .operation(_, let operands) in pattern.nodes { read.formUnion(operands) }
        let optional = pattern.results.filter { !read.contains($0) }

        var nodes: [Node] = []
        var externals: [LaneSlot: Int] = [:]
        var current: [LaneSlot: Int] = [:]
        var operations = 0
        func node(reading slot: LaneSlot) -> Int {
            if let id = current[slot] { return id }
            if let id = externals[slot] { return id }
            nodes.append(.external(slot))
            externals[slot] = nodes.count - 1
            return nodes.count - 1
        }
        func add(_ op: LaneOperation, _ operands: [Int]) -> Int {
            nodes.append(.operation(op, operands))
            operations += 1
            return nodes.count - 1
        }
        // The longest run that matches (with the optional results if it can).
        var longest: Match?
        var end = start
        while end < plan.steps.count, operations < patternOperations {
            let step = plan.steps[end]
            guard step.fusedKernel == nil else { return nil }
            var value: Int
            if let inner = step.inner {
                guard step.operation.isArithmetic else { return nil }
                let t = add(inner, [node(reading: step.a), node(reading: step.b)])
                let c = node(reading: step.c)
                value = add(step.operation, step.innerFirst ? [t, c] : [c, t])
                if step.negated { value = add(.negate, [value]) }
            } else if step.operation.isArithmetic || step.operation == .maximum || step.operation == .minimum {
                value = add(step.operation, [node(reading: step.a), node(reading: step.b)])
            } else if [.sqrt, .negate, .abs, .sign, .step].contains(step.operation) {
                value = add(step.operation, [node(reading: step.a)])
            } else {
                return nil
            }
            current[step.destination] = value
            end += 1
            guard operations >= patternOperations - optional.count else { continue }
            if let found = unify(pattern, nodes, current: current, optional: optional, plan: plan, end: end, kernel: kernel) {
                longest = found
            }
        }
        return longest
    }

    /// The window's nodes as the pattern's, if they are.
    private static func unify(
        _ pattern: FusedPattern, _ nodes: [Node], current: [LaneSlot: Int], optional: [Int], plan: LanePlan, end: Int,
        kernel: FusedKernel
    ) -> Match? {
        var state = Bindings(laneOperandCount: kernel.laneOperandCount)
        for result in pattern.results {
            var found = false
            for (w, node) in nodes.enumerated() {
                guard case .operation = node else { continue }
                var attempt = state
                if unify(result, w, pattern, nodes, &attempt) {
                    state = attempt
                    found = true
                    break
                }
            }
            if !found && !optional.contains(result) { return nil }
        }
        // Every operation of the window is one of the pattern's.
        let covered = Set(state.nodes.values)
        for (w, node) in nodes.enumerated() {
            if case .operation = node, !covered.contains(w) { return nil }
        }
        var operands: [LaneSlot] = []
        for k in 0..<pattern.operandCount {
            guard let slot = state.operands[k] else { return nil }
            operands.append(slot)
        }
        // Each value the window leaves that is read later must be a result.
        var results: [LaneSlot?] = Array(repeating: nil, count: pattern.results.count)
        for (slot, value) in current {
            let k = pattern.results.firstIndex { state.nodes[$0] == value }
            if let k {
                results[k] = slot
            } else if case .output = slot {
                return nil
            } else if isRead(slot, after: end, in: plan) {
                return nil
            }
        }
        return Match(end: end, operands: operands, results: results)
    }

    private struct Bindings {
        /// Pattern node -> window node.
        var nodes: [Int: Int] = [:]
        /// Pattern operand -> slot.
        var operands: [Int: LaneSlot] = [:]
        /// Operands from this one on are uniform.
        let laneOperandCount: Int
    }

    private static func unify(_ x: Int, _ w: Int, _ pattern: FusedPattern, _ nodes: [Node], _ state: inout Bindings) -> Bool {
        switch pattern.nodes[x] {
        case .operand(let k):
            guard case .external(let slot) = nodes[w] else { return false }
            // The kernel loads its uniform operands once.
            if k >= state.laneOperandCount {
                guard case .uniform = slot else { return false }
            }
            if let bound = state.operands[k] { return bound == slot }
            state.operands[k] = slot
            return true
        case .operation(let op, let operands):
            guard case .operation(let windowOp, let windowOperands) = nodes[w], windowOp == op,
                  windowOperands.count == operands.count else { return false }
            if let bound = state.nodes[x] { return bound == w }
            state.nodes[x] = w
            if operands.count == 1 { return unify(operands[0], windowOperands[0], pattern, nodes, &state) }
            let saved = state
            if unify(operands[0], windowOperands[0], pattern, nodes, &state),
               unify(operands[1], windowOperands[1], pattern, nodes, &state) { return true }
            state = saved
            guard op == .add || op == .multiply else { return false }
            return unify(operands[0], windowOperands[1], pattern, nodes, &state)
                && unify(operands[1], windowOperands[0], pattern, nodes, &state)
        }
    }

    /// Whether a step from `start` on, or the end of the chunk (an output's
    /// source), reads `slot` before a step writes it.
    private static func isRead(_ slot: LaneSlot, after start: Int, in plan: LanePlan, countingOutputs: Bool = true) -> Bool {
        for step in plan.steps[start...] {
            if let fusion = plan.fusion(of: step) {
                if fusion.operands.contains(slot) { return true }
                if fusion.results.contains(slot) { return false }
                continue
            }
            if step.a == slot || step.b == slot || step.c == slot { return true }
            if step.destination == slot || step.second == slot { return false }
        }
        return countingOutputs && plan.outputSources.contains(slot)
    }

    /// A result kept in a register only to be copied over the parameter it
    /// updates at the end of the chunk is stored there directly when no
    /// later step reads the parameter (the loop reads each vector's
    /// operands before storing its results).
    private static func storeInPlace(_ results: inout [LaneSlot], _ plan: inout LanePlan, after end: Int, inPlace: [Int?]) {
        for (r, slot) in results.enumerated() {
            guard case .register = slot,
                  let k = plan.outputSources.firstIndex(of: slot), plan.outputSources.lastIndex(of: slot) == k,
                  k < inPlace.count, let input = inPlace[k],
                  !isRead(slot, after: end, in: plan, countingOutputs: false),
                  !isRead(.input(input), after: end, in: plan) else { continue }
            results[r] = .output(k)
            plan.outputSources[k] = .output(k)
        }
    }
}
