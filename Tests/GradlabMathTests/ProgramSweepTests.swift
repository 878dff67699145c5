import Testing
@testable import GradlabMath

/// Composed Programs, prepared sweeps (in-place outputs, reductions,
/// copy-outs) and the decoded scalar program.
@Suite("Program sweeps")
struct ProgramSweepTests {
    /// f = 3x² + x and the step x' = x - 0.1 f'(x), composed onto the gradient.
    static func descent() throws -> Program {
        let f = try Expression.parse("3*x*x + x", variables: ["x"])
        var composer = ProgramComposer(extending: Program.valueAndGradient(of: f, inputs: ["x"], respect: ["x"]))
        let x = composer.input("x"), rate = composer.input("-lr")
        let step = composer.binary(.multiply, rate, composer.baseOutputs[1])
        let updated = composer.binary(.add, x, step)
        return composer.program(outputs: [("f", composer.baseOutputs[0]), ("df/dx", composer.baseOutputs[1]), ("x'", updated)])
    }

    @Test func composerKeepsTheBaseAndNamesOutputs() throws {
        let program = try Self.descent()
        #expect(program.inputs == ["x", "-lr"])
        #expect(program.outputNames == ["f", "df/dx", "x'"])
        // Evaluated alone: x = 2, lr = 0.1: f = 14, f' = 13, x' = 2 - 1.3.
        #expect(program.evaluate([2.0, -0.1]) == [14, 13, 2 + -0.1 * 13])
    }

    /// An in-place output gives the bits the scalar interpreter gives, for
    /// any thread count, with and without a ragged last chunk.
    @Test(arguments: [1_000, 70_001])
    func inPlaceUpdateMatchesTheInterpreter(count: Int) throws {
        let program = try Self.descent()
        let start: [Float] = (0..<count).map { Float(($0 % 977) - 488) / 97 }
        let expected = start.map { program.evaluate([$0, -0.1])[2] }
        for threads in [1, 2] {
            var x = start
            let sweep = ProgramSweep<Float>(program, shape: SweepShape(
                lanes: [true, false], stored: [false, false, true], inPlace: [nil, nil, 0], summed: [0]))
            let totals = x.withUnsafeMutableBufferPointer { buffer -> SweepTotals in
                guard let base = buffer.baseAddress else { return SweepTotals(sums: []) }
                return sweep.run(count: count, inputs: [.lanes(UnsafePointer(base)), .uniform(-0.1)],
                                 outputs: [nil, nil, base], threads: threads)
            }
            #expect(x == expected, "\(threads) threads")
            let f = start.reduce(0.0) { $0 + Double(program.evaluate([$1, -0.1])[0]) }
            #expect(abs(totals.sums[0] - f) <= 1e-9 * abs(f))
            #expect(totals.sums[1].isNaN && totals.sums[2].isNaN)
        }
    }

    /// When a later step still reads the input, the new value waits in a
    /// register and is written at the end of the chunk: the reader sees the
    /// old value.
    @Test func aLaterReaderSeesTheOldValue() {
        var composer = ProgramComposer()
        let x = composer.input("x"), one = composer.constant(1), two = composer.constant(2)
        let updated = composer.binary(.add, x, one)      // emitted first
        let doubled = composer.binary(.multiply, x, two)  // reads x afterwards
        let program = composer.program(outputs: [("x'", updated), ("2x", doubled)])
        var values: [Double] = (0..<5_000).map(Double.init)
        var twice = [Double](repeating: 0, count: values.count)
        let sweep = ProgramSweep<Double>(program, shape: SweepShape(lanes: [true], stored: [true, true], inPlace: [0, nil]))
        values.withUnsafeMutableBufferPointer { v in
            twice.withUnsafeMutableBufferPointer { t in
                guard let v = v.baseAddress, let t = t.baseAddress else { return }
                _ = sweep.run(count: 5_000, inputs: [.lanes(UnsafePointer(v))], outputs: [v, t])
            }
        }
        #expect(values == (0..<5_000).map { Double($0) + 1 })
        #expect(twice == (0..<5_000).map { Double($0) * 2 })
    }

    /// Extremes (NaN noted), sum of squares and the first lanes copied out,
    /// the same for one thread and two.
    @Test func reductionsAndCopiesAreThreadIndependent() throws {
        let f = try Expression.parse("sin(x1)*cos(x2) + log(x1)", variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: f, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let count = 100_003
        let x1: [Float] = (0..<count).map { Float($0 % 1000) / 100 - 0.5 }  // log of a negative: NaN
        let x2: [Float] = (0..<count).map { Float($0 % 313) / 31 }
        var runs: [(SweepTotals, [Float], [Float])] = []
        for threads in [1, 2] {
            let sweep = ProgramSweep<Float>(program, shape: SweepShape(
                lanes: [true, true], stored: [false, false, false], summed: [1], extremesOf: 0, squaresOf: [1, 2],
                prefixOutputs: [1, 2]))
            var g1 = [Float](repeating: 0, count: 10), g2 = [Float](repeating: 0, count: 10)
            let totals = x1.withUnsafeBufferPointer { a in
                x2.withUnsafeBufferPointer { b in
                    g1.withUnsafeMutableBufferPointer { p in
                        g2.withUnsafeMutableBufferPointer { q in
                            sweep.run(count: count, inputs: [.lanes(a.baseAddress!), .lanes(b.baseAddress!)],
                                      outputs: [nil, nil, nil], prefix: 10, prefixTargets: [p.baseAddress!, q.baseAddress!], threads: threads)
                        }
                    }
                }
            }
            runs.append((totals, g1, g2))
        }
        // Unsummed outputs' sums are NaN: compare bits.
        #expect(runs[0].0.sums.map(\.bitPattern) == runs[1].0.sums.map(\.bitPattern))
        #expect(runs[0].0.extremes == runs[1].0.extremes && runs[0].0.squares == runs[1].0.squares)
        #expect(runs[0].1 == runs[1].1 && runs[0].2 == runs[1].2)
        let totals = runs[0].0
        let extremes = try #require(totals.extremes)
        #expect(extremes.sawNaN)
        let finite = (0..<count).compactMap { i -> Double? in
            let v = Double(program.evaluate([x1[i], x2[i]])[0])
            return v.isNaN ? nil : v
        }
        // log(0) = -inf at x1 = 0: the smallest value, not a NaN.
        #expect(abs(extremes.max - (finite.max() ?? .nan)) < 1e-5 && extremes.min == -.infinity && finite.min() == -.infinity)
        for i in 0..<10 {
            let reference = program.evaluate([x1[i], x2[i]])
            #expect(abs(runs[0].1[i] - reference[1]) <= 1e-5 * max(1, abs(reference[1])))
            #expect(abs(runs[0].2[i] - reference[2]) <= 1e-5 * max(1, abs(reference[2])))
        }
        // x1 = 0 at every thousandth lane: d/dx1 has 1/x1 = inf there.
        #expect(totals.squares == .infinity)
    }

    @Test func scalarProgramMatchesTheInterpreter() throws {
        let program = Program.valueAndGradient(of: try Expression.parse(TutorialTests.text, variables: ["x1", "x2"]),
                                               inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let decoded = ScalarProgram<Double>(program)
        var results = [Double](repeating: 0, count: 3)
        for i in 0..<200 {
            let inputs = [Double(i) * 0.37 - 30, Double(i) * -0.11 + 4]
            results.withUnsafeMutableBufferPointer { r in decoded.evaluate(inputs, into: r.baseAddress!) }
            #expect(results == program.evaluate(inputs))
        }
    }
}
