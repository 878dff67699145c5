import Dispatch
import Testing
@testable import GradlabMath

/// `run(count:inputs:outputs:sums:threads:afterChunk:)`: outputs left
/// unstored, sums in a fixed order, and the per-chunk hook a fused
/// optimizer step uses; and the allocation-free `evaluate(_:into:)`.
@Suite("Fused runs")
struct FusedRunTests {
    let tutorial: Program

    init() throws {
        let f = try Expression.parse(TutorialTests.text, variables: ["x1", "x2"])
        tutorial = Program.valueAndGradient(of: f, inputs: ["x1", "x2"], respect: ["x1", "x2"])
    }

    static func points<T: ProgramScalar>(_ count: Int) -> ([T], [T]) {
        let x1: [T] = ExecutorTests.data(count, seed: 5).map { $0 * 3 }
        let x2: [T] = ExecutorTests.data(count, seed: 6).map { $0 * 3 }
        return (x1, x2)
    }

    /// Sums of every output, with the value left unstored.
    func sums<T: ProgramScalar>(_ x1: [T], _ x2: [T], threads: Int, level: SIMDLevel) -> (sums: [Double], gradient: [[T]]) {
        let count = x1.count
        var sums = [Double](repeating: .nan, count: 3)
        var g1 = [T](repeating: 0, count: count), g2 = [T](repeating: 0, count: count)
        x1.withUnsafeBufferPointer { a in
            x2.withUnsafeBufferPointer { b in
                g1.withUnsafeMutableBufferPointer { ga in
                    g2.withUnsafeMutableBufferPointer { gb in
                        guard let a = a.baseAddress, let b = b.baseAddress, let ga = ga.baseAddress, let gb = gb.baseAddress else { return }
                        tutorial.run(count: count, inputs: [.lanes(a), .lanes(b)], outputs: [nil, ga, gb], sums: &sums,
                                     threads: threads, level: level)
                    }
                }
            }
        }
        return (sums, [g1, g2])
    }

    @Test(arguments: [1, 17, 1024, 70_001])
    func sumsMatchTheStoredOutputsAndDoNotDependOnThreads(count: Int) {
        let (x1, x2): ([Double], [Double]) = Self.points(count)
        for level in SIMDLevel.available {
            let stored = runLanes(tutorial, [.lanes(x1), .lanes(x2)], count: count, level: level)
            let first = sums(x1, x2, threads: 1, level: level)
            for k in 0..<3 {
                let sequential = stored[k].reduce(0, +)
                #expect((first.sums[k] - sequential).magnitude <= 1e-12 * max(1, stored[k].map(\.magnitude).reduce(0, +)))
            }
            #expect(sameBits(first.gradient, Array(stored[1...])))
            for threads in [2, 3] {
                let other = sums(x1, x2, threads: threads, level: level)
                #expect(other.sums.map(\.bitPattern) == first.sums.map(\.bitPattern), "\(level) \(threads) threads")
                #expect(sameBits(other.gradient, first.gradient))
            }
        }
        let (f1, f2): ([Float], [Float]) = Self.points(count)
        let floatStored = runLanes(tutorial, [.lanes(f1), .lanes(f2)], count: count)
        let floatSums = sums(f1, f2, threads: 2, level: .active)
        #expect((floatSums.sums[0] - floatStored[0].reduce(0.0) { $0 + Double($1) }).magnitude <= 1e-9 * Double(count))
    }

    /// The hook sees every lane once, after its outputs are stored, and may
    /// update the inputs in place: one sweep gives what run-then-update gives.
    @Test(arguments: [1, 4097, 100_003])
    func afterChunkFusesAnUpdate(count: Int) {
        let (x1, x2): ([Double], [Double]) = Self.points(count)
        let lr = 0.05
        // Unfused: gradient, then the update.
        let gradient = runLanes(tutorial, [.lanes(x1), .lanes(x2)], count: count)
        let want1 = zip(x1, gradient[1]).map { $0 - lr * $1 }
        let want2 = zip(x2, gradient[2]).map { $0 - lr * $1 }

        let p1 = UnsafeMutablePointer<Double>.allocate(capacity: count), p2 = UnsafeMutablePointer<Double>.allocate(capacity: count)
        let g1 = UnsafeMutablePointer<Double>.allocate(capacity: count), g2 = UnsafeMutablePointer<Double>.allocate(capacity: count)
        let visits = UnsafeMutablePointer<Int>.allocate(capacity: count)
        defer { for p in [p1, p2, g1, g2] { p.deallocate() }; visits.deallocate() }
        p1.initialize(from: x1, count: count)
        p2.initialize(from: x2, count: count)
        visits.initialize(repeating: 0, count: count)
        nonisolated(unsafe) let (a, b, ga, gb, seen) = (p1, p2, g1, g2, visits)
        var sums = [0.0, 0.0, 0.0]
        tutorial.run(count: count, inputs: [.lanes(p1), .lanes(p2)], outputs: [nil, g1, g2], sums: &sums) { chunk in
            for i in chunk.lanes {
                // The chunk's view of the outputs is what was stored.
                precondition(chunk.output(1)[i - chunk.lanes.lowerBound].bitPattern == ga[i].bitPattern)
                a[i] = a[i] - lr * ga[i]
                b[i] = b[i] - lr * gb[i]
                seen[i] += 1
            }
        }
        #expect((0..<count).allSatisfy { visits[$0] == 1 })
        #expect((0..<count).allSatisfy { p1[$0].bitPattern == want1[$0].bitPattern && p2[$0].bitPattern == want2[$0].bitPattern })
    }

    /// `ProgramDescent` with no output stored equals run-then-update, bit
    /// for bit, and the hook sees unstored outputs (the value, here) too.
    @Test(arguments: [5, 4099, 70_001])
    func descentInTheSweepEqualsRunThenUpdate(count: Int) {
        for level in SIMDLevel.available {
            let (x1, x2): ([Float], [Float]) = Self.points(count)
            let gradient = runLanes(tutorial, [.lanes(x1), .lanes(x2)], count: count, level: level)
            let step: Float = -0.01
            let p1 = UnsafeMutablePointer<Float>.allocate(capacity: count), p2 = UnsafeMutablePointer<Float>.allocate(capacity: count)
            let values = UnsafeMutablePointer<Float>.allocate(capacity: count)
            defer { p1.deallocate(); p2.deallocate(); values.deallocate() }
            p1.initialize(from: x1, count: count)
            p2.initialize(from: x2, count: count)
            nonisolated(unsafe) let seen = values
            var sums = [0.0, 0.0, 0.0]
            tutorial.run(count: count, inputs: [.lanes(p1), .lanes(p2)], outputs: [nil, nil, nil], sums: &sums,
                         threads: nil, level: level, descent: ProgramDescent(step: step, pairs: [(0, 1), (1, 2)])) { chunk in
                for (j, i) in chunk.lanes.enumerated() { seen[i] = chunk.output(0)[j] }
            }
            #expect((0..<count).allSatisfy { p1[$0] == x1[$0] + step * gradient[1][$0] }, "\(level)")
            #expect((0..<count).allSatisfy { p2[$0] == x2[$0] + step * gradient[2][$0] }, "\(level)")
            #expect((0..<count).allSatisfy { values[$0].bitPattern == gradient[0][$0].bitPattern }, "\(level)")
        }
    }

    /// The hook's chunk numbers follow ``Program/chunkLanes(_:)``: callers
    /// keep per-chunk results by index and combine them in order.
    @Test(arguments: [1, 1024, 70_001])
    func chunkIndicesFollowChunkLanes(count: Int) {
        let size = Program.chunkLanes(Float.self)
        let chunkCount = (count + size - 1) / size
        let (x1, x2): ([Float], [Float]) = Self.points(count)
        let seen = UnsafeMutablePointer<Int>.allocate(capacity: 2 * chunkCount)
        defer { seen.deallocate() }
        seen.initialize(repeating: -1, count: 2 * chunkCount)
        nonisolated(unsafe) let table = seen
        var sums = [0.0, 0.0, 0.0]
        x1.withUnsafeBufferPointer { a in
            x2.withUnsafeBufferPointer { b in
                guard let a = a.baseAddress, let b = b.baseAddress else { return }
                tutorial.run(count: count, inputs: [.lanes(a), .lanes(b)], outputs: [nil, nil, nil], sums: &sums, threads: 2) { chunk in
                    precondition(chunk.index >= 0 && chunk.index < chunkCount, "chunk index out of range")
                    table[2 * chunk.index] = chunk.lanes.lowerBound
                    table[2 * chunk.index + 1] = chunk.lanes.upperBound
                }
            }
        }
        for c in 0..<chunkCount {
            #expect(seen[2 * c] == c * size)
            #expect(seen[2 * c + 1] == min((c + 1) * size, count))
        }
    }

    /// `summed` picks the outputs to sum; the others are NaN, and the
    /// picked ones are the same bits as when every output is summed.
    @Test func summedPicksOutputs() {
        let count = 5_000
        let (x1, x2): ([Double], [Double]) = Self.points(count)
        var all = [0.0, 0.0, 0.0], some = [0.0, 0.0, 0.0]
        x1.withUnsafeBufferPointer { a in
            x2.withUnsafeBufferPointer { b in
                guard let a = a.baseAddress, let b = b.baseAddress else { return }
                tutorial.run(count: count, inputs: [.lanes(a), .lanes(b)], outputs: [nil, nil, nil], sums: &all)
                tutorial.run(count: count, inputs: [.lanes(a), .lanes(b)], outputs: [nil, nil, nil], sums: &some, summed: [0, 2])
            }
        }
        #expect(some[0].bitPattern == all[0].bitPattern)
        #expect(some[1].isNaN)
        #expect(some[2].bitPattern == all[2].bitPattern)
    }

    @Test func evaluateIntoMatchesEvaluate() throws {
        let loss = try Expression.parse("abs(weight*x + bias - y) + tanh(weight)^2", variables: ["weight", "bias", "x", "y"])
        let training = Program.valueAndGradient(of: loss, inputs: ["weight", "bias", "x", "y"], respect: ["weight", "bias"])
        var sample: [Float] = [0.3, -0.2, 0.5, 0.1]
        var results = [Float](repeating: 0, count: 3)
        for x in stride(from: Float(-2), through: 2, by: 0.25) {
            sample[2] = x
            training.evaluate(sample, into: &results)
            #expect(results == training.evaluate(sample))
        }
    }

    /// One Program run from many threads at once: each run takes its own
    /// prepared buffers from the cache.
    @Test func concurrentRunsOfOneProgram() {
        let (x1, x2): ([Double], [Double]) = Self.points(5000)
        let want = runLanes(tutorial, [.lanes(x1), .lanes(x2)], count: 5000)
        let program = tutorial
        let failures = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        failures.initialize(repeating: 0, count: 8)
        defer { failures.deallocate() }
        nonisolated(unsafe) let failed = failures
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            for _ in 0..<5 where !sameBits(runLanes(program, [.lanes(x1), .lanes(x2)], count: 5000, threads: 1), want) {
                failed[i] += 1
            }
        }
        #expect((0..<8).allSatisfy { failures[$0] == 0 })
    }
}
