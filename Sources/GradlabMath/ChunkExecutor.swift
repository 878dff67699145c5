import Dispatch
import Foundation

/// When the chunked executor splits work, and how finely.
enum ChunkExecutorTuning {
    /// Lanes per chunk: each register is a buffer this long. 512 Doubles are
    /// 4 KiB, so the registers a program keeps live stay in L1/L2 while a
    /// chunk runs, and per-instruction overhead is spread over 512 lanes.
    static let chunkLanes = 512

    /// Below this many lanes a run stays on the calling thread: waking
    /// workers costs more than it saves.
    static let parallelThreshold = 32_768

    /// Each worker gets at least this many lanes.
    static let lanesPerWorker = 16_384

    static let processorCount = ProcessInfo.processInfo.activeProcessorCount

    /// The worker count ``Program/run(count:inputs:outputs:)`` uses.
    static func threads(forLanes count: Int) -> Int {
        count < parallelThreshold ? 1 : max(1, min(processorCount, count / lanesPerWorker))
    }
}

/// Runs a Program over many lanes: registers are chunk-sized buffers and
/// each instruction is one plain loop over a chunk.
///
/// Values that are the same in every lane (constants, uniform inputs, and
/// anything computed only from them) are computed once per run as scalars
/// and enter the loops as scalar operands. Outputs are written in place by
/// the instruction computing them. Registers are reused once their value is
/// dead, and allocated once per worker per run.
struct ChunkExecutor<T: LaneMath> {
    /// Where a value lives during a run.
    enum Home {
        case uniform(T)
        /// Per-lane input `index`, read in place.
        case input(Int)
        /// Register slot (a chunk-sized buffer).
        case register(Int)
        /// Output buffer `index`, written in place.
        case output(Int)
    }

    /// One per-lane instruction.
    struct Step {
        enum Operation {
            case unary(Program.UnaryOperation, Home)
            case binary(Program.BinaryOperation, Home, Home)
        }
        let operation: Operation
        let destination: Home
    }

    let steps: [Step]
    let registerCount: Int
    /// For each output: where its value is, when it is not written in place.
    let outputSources: [Home?]

    init(_ program: Program, inputs: [ProgramInput<T>]) {
        var homes: [Home] = []
        homes.reserveCapacity(program.instructions.count)
        var steps: [Step] = []
        var freeRegisters: [Int] = []
        var registerCount = 0
        var outputSources = [Home?](repeating: nil, count: program.outputs.count)
        // The first output naming a value receives it in place; a later one copies it.
        var outputFor: [Int: Int] = [:]
        for (k, id) in program.outputs.enumerated() where outputFor[id] == nil { outputFor[id] = k }

        for (id, instruction) in program.instructions.enumerated() {
            var operation: Step.Operation
            switch instruction {
            case .input(let index):
                switch inputs[index] {
                case .uniform(let value): homes.append(.uniform(value))
                case .lanes: homes.append(.input(index))
                }
                continue
            case .constant(let value):
                homes.append(.uniform(T(value)))
                continue
            case .unary(let op, let a):
                if case .uniform(let x) = homes[a] {
                    homes.append(.uniform(ScalarMath.apply(op, x)))
                    continue
                }
                operation = .unary(op, homes[a])
                if program.lastUse[a] == id, case .register(let slot) = homes[a] { freeRegisters.append(slot) }
            case .binary(let op, let a, let b):
                if case .uniform(let x) = homes[a], case .uniform(let y) = homes[b] {
                    homes.append(.uniform(ScalarMath.apply(op, x, y)))
                    continue
                }
                operation = .binary(op, homes[a], homes[b])
                // Freed before the destination is chosen, so an operand's
                // register can be overwritten in place (the loops are elementwise).
                if program.lastUse[a] == id, case .register(let slot) = homes[a] { freeRegisters.append(slot) }
                if b != a, program.lastUse[b] == id, case .register(let slot) = homes[b] { freeRegisters.append(slot) }
            }
            let destination: Home
            if let k = outputFor[id] {
                destination = .output(k)
            } else if let slot = freeRegisters.popLast() {
                destination = .register(slot)
            } else {
                destination = .register(registerCount)
                registerCount += 1
            }
            homes.append(destination)
            steps.append(Step(operation: operation, destination: destination))
        }
        for (k, id) in program.outputs.enumerated() {
            if case .output(let home) = homes[id], home == k { continue }
            outputSources[k] = homes[id]
        }
        self.steps = steps
        self.registerCount = registerCount
        self.outputSources = outputSources
    }

    static func run(
        _ program: Program, count: Int, inputs: [ProgramInput<T>],
        outputs: [UnsafeMutablePointer<T>], threads: Int
    ) {
        guard count > 0 else { return }
        checkNoOverlap(count: count, inputs: inputs, outputs: outputs)
        let executor = ChunkExecutor(program, inputs: inputs)
        let chunkLanes = min(ChunkExecutorTuning.chunkLanes, count)
        let chunkCount = (count + chunkLanes - 1) / chunkLanes
        let workers = min(max(threads, 1), chunkCount)
        let lanePointers: [UnsafePointer<T>?] = inputs.map {
            if case .lanes(let pointer) = $0 { pointer } else { nil }
        }
        if workers == 1 {
            executor.runChunks(0..<chunkCount, chunkLanes: chunkLanes, count: count, inputs: lanePointers, outputs: outputs)
            return
        }
        // Each worker takes a contiguous run of chunks. Chunk boundaries do
        // not depend on the worker count, and lanes never interact, so the
        // result is bit-identical to one worker. The pointers are only read
        // and the lanes written are disjoint, hence the unchecked copies.
        nonisolated(unsafe) let sharedInputs = lanePointers
        nonisolated(unsafe) let sharedOutputs = outputs
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let chunks = (chunkCount * worker / workers)..<(chunkCount * (worker + 1) / workers)
            executor.runChunks(chunks, chunkLanes: chunkLanes, count: count, inputs: sharedInputs, outputs: sharedOutputs)
        }
    }

    /// Outputs are written while inputs are still being read, so they must
    /// not share memory with each other or with per-lane inputs.
    private static func checkNoOverlap(count: Int, inputs: [ProgramInput<T>], outputs: [UnsafeMutablePointer<T>]) {
        let bytes = count * MemoryLayout<T>.stride
        func range(_ pointer: UnsafeRawPointer) -> Range<UInt> {
            let start = UInt(bitPattern: pointer)
            return start..<(start + UInt(bytes))
        }
        let outputRanges = outputs.map { range($0) }
        for (i, output) in outputRanges.enumerated() {
            for other in outputRanges[(i + 1)...] {
                precondition(!output.overlaps(other), "Program.run: output buffers overlap")
            }
            for case .lanes(let pointer) in inputs {
                precondition(!output.overlaps(range(pointer)), "Program.run: an output buffer overlaps an input buffer")
            }
        }
    }
}
