import Foundation
import Testing
@testable import GradlabCore
import GradlabTestSupport

/// Points dropped on the plane, `:f`, a data lab's parameters set by a
/// click and `:points`/`:domain`: Session commands that are events, so a
/// recording holds them, a fork re-runs them and a rewind re-applies them.
@Suite("Direct manipulation: dropped points, :f, set parameters")
struct DirectManipulationTests {
    private func landscape(points: Int = 3, compare: String? = nil) throws -> LabConfig {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = points
        config.optimizer.lr = 0.01
        if let compare { config.compare = try CompareList.parse(compare, base: config.optimizer) }
        return config
    }

    @Test func aDroppedPointJoinsTheRecordsAndDescends() async throws {
        let session = try Session(config: try landscape())
        await session.start()
        await session.step(2)
        try await session.addPoint(SIMD2(1, 2))
        let record = try #require(await session.step(1))
        let points = try #require(record.points)
        #expect(points.count == 4)
        // It moved from (1, 2) by one SGD step: -lr ∇f there.
        let x1 = 1.0, x2 = 2.0
        let g1 = cos(x1) * cos(x2) + 0.5 * cos(0.5 * x1) * cos(0.5 * x2)
        let g2 = -sin(x1) * sin(x2) - 0.5 * sin(0.5 * x1) * sin(0.5 * x2)
        #expect(abs(points[3].x - (x1 - 0.01 * g1)) < 1e-12)
        #expect(abs(points[3].y - (x2 - 0.01 * g2)) < 1e-12)
        // The loss is the mean of f over all four points (before the update).
        let f = { (p: SIMD2<Double>) in sin(p.x) * cos(p.y) + sin(0.5 * p.x) * cos(0.5 * p.y) }
        #expect(record.loss.isFinite)
        // The inspector reaches the new point (index 3 of 4) and says where it is.
        let inspection = await session.inspect(selectedPoint: 3)
        #expect(inspection.pointCount == 4)
        #expect(abs((inspection.parameters.first?.value ?? 0) - points[3].x) < 1e-12)
        #expect(abs((inspection.valueAtSelected ?? 0) - f(points[3])) < 1e-12)
    }

    @Test func underCompareOnePointPerGroup() async throws {
        let session = try Session(config: try landscape(points: 2, compare: "sgd,adam"))
        await session.start()
        try await session.addPoint(SIMD2(3, 3))
        let record = try #require(await session.step(1))
        let points = try #require(record.points)
        // Each group: its 2 points, then the dropped one.
        #expect(points.count == 6)
        #expect(points[2] != SIMD2(3, 3) && points[5] != SIMD2(3, 3))
        #expect(points[2] != points[5], "sgd and adam take different first steps")
        #expect(record.groupLoss?.count == 2)
    }

    @Test func aNewFunctionKeepsThePoints() async throws {
        let session = try Session(config: try landscape())
        await session.start()
        let before = try #require(await session.step(3)?.points)
        let himmelblau = try TestFunction.lookup("himmelblau")
        try await session.setFunction(himmelblau.expression, name: himmelblau.name, domain: himmelblau.domain)
        #expect(await session.config.function == himmelblau.expression)
        #expect(await session.epoch == 3)
        let after = try #require(await session.step(1))
        #expect(after.epoch == 4)
        // One step on himmelblau from where the points were.
        let x = before[0]
        let g1 = 4 * x.x * (x.x * x.x + x.y - 11) + 2 * (x.x + x.y * x.y - 7)
        #expect(abs((after.points?[0].x ?? 0) - (x.x - 0.01 * g1)) < 1e-9)
    }

    @Test func aBadFunctionChangesNothing() async throws {
        let session = try Session(config: try landscape())
        await session.start()
        await #expect(throws: GradlabError.self) { try await session.setFunction("sin(x1", name: nil, domain: [0, 10, 0, 10]) }
        #expect(await session.config.function == LabConfig.tutorialFunction)
    }

    @Test func settingADataLabsParameters() async throws {
        var config = LabConfig(lab: .linear)
        config.device = "cpu"
        let session = try Session(config: config)
        await session.start()
        try await session.setParameters([NamedValues("weight", [0.5]), NamedValues("bias", [0.25])])
        let checkpoint = try await session.checkpoint()
        #expect(checkpoint.params.map { $0.values.first ?? .nan } == [0.5, 0.25])
        await #expect(throws: GradlabError.self) { try await session.setParameters([NamedValues("slope", [1])]) }
    }

    @Test func aRecordingWithClicksAndCommandsForksToTheSameState() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("manipulated.json").path
        let config = try landscape(points: 4)
        let session = try Session(config: config)
        await session.attach(try Recorder(path: path, config: config))
        await session.start()
        await session.step(2)
        try await session.addPoint(SIMD2(1.5, 7.25))
        await session.step(2)
        let rastrigin = try TestFunction.lookup("himmelblau")
        try await session.setFunction(rastrigin.expression, name: rastrigin.name, domain: rastrigin.domain)
        try await session.setLearningRate(0.001)
        await session.step(2)
        try await session.addPoint(SIMD2(-1, 0.5))
        await session.step(3)
        let last = try #require(await session.latest)
        await session.finish(status: "quit")

        let file = try RunFile.load(path: path)
        #expect(file.events.contains { if case .pointAdded(2, SIMD2(1.5, 7.25)) = $0 { return true } else { return false } })
        #expect(file.events.contains { if case .function(4, rastrigin.expression, "himmelblau", rastrigin.domain) = $0 { return true } else { return false } })
        let index = RunIndex(file)
        #expect(index.records.last?.points?.count == 6)
        #expect(index.state(at: index.lastPosition)?.function?.name == "himmelblau")
        #expect(index.droppedPoints(at: index.lastPosition) == 2)
        // A fork re-runs the clicks and commands and reaches the same numbers.
        let fork = try await RunFork.rerun(file, index: index, through: index.lastPosition)
        #expect(fork.mismatch == nil)
        #expect(await fork.session.latest?.points == last.points)
    }

    @Test func aRewindReappliesDroppedPointsAndTheFunction() async throws {
        var config = try landscape(points: 2)
        config.optimizer.lr = 0.01
        let session = try Session(config: config)
        await session.start()
        await session.step(1)
        try await session.addPoint(SIMD2(2, 2))
        await session.step(2)
        let himmelblau = try TestFunction.lookup("himmelblau")
        try await session.setFunction(himmelblau.expression, name: himmelblau.name, domain: himmelblau.domain)
        await session.step(2)
        let reached = try #require(await session.latest)
        // A huge rate diverges; the rewind re-runs the same commands to the last finite epoch.
        try await session.setLearningRate(1e6)
        await session.step(5)
        #expect(await session.isDiverged)
        let target = try #require(await session.rewindEpoch)
        try await session.rewind()
        #expect(await session.epoch == target)
        if target == reached.epoch {
            #expect(await session.latest?.points == reached.points)
        }
        #expect(await session.latest?.points?.count == 3)
        #expect(await session.config.functionName == "himmelblau")
    }

    @Test func configureAppliesAtTheReset() async throws {
        let session = try Session(config: try landscape(points: 3))
        await session.start()
        try await session.addPoint(SIMD2(1, 1))
        try await session.reconfigure(points: 7, domain: [-1, 1, -2, 2])
        try await session.reset(seed: 0)
        let record = try #require(await session.latest)
        #expect(record.points?.count == 7, "the dropped point goes with the reset")
        #expect(record.points?.allSatisfy { (-1...1).contains($0.x) && (-2...2).contains($0.y) } == true)
        await #expect(throws: GradlabError.self) { try await session.reconfigure(points: 0, domain: nil) }
    }

    /// `:points` beyond memory changes nothing: not the run, not its
    /// configuration (a later reset built the refused count again), not the
    /// events (a recording would replay a configure with no reset).
    @Test func aRestartThatCannotBeBuiltChangesNothing() async throws {
        let session = try Session(config: try landscape(points: 3))
        let events = session.events
        await session.start()
        try await session.restart(points: 5, domain: nil)
        #expect(await session.latest?.points?.count == 5)
        #expect(await session.config.points == 5)
        await #expect(throws: GradlabError.self) { try await session.restart(points: 1_000_000_000_000_000, domain: nil) }
        #expect(await session.config.points == 5)
        try await session.reset(seed: 0)
        #expect(await session.latest?.points?.count == 5)
        await session.finish(status: "quit")
        var configures: [Int?] = []
        for await event in events { if case .configure(_, let points, _) = event { configures.append(points) } }
        #expect(configures == [5], "only the restart that was made is an event")
    }

    @Test func malformedManipulationEventsAreNamedByLine() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("header.json").path
        let config = try landscape(points: 2)
        let session = try Session(config: config)
        await session.attach(try Recorder(path: path, config: config))
        await session.start()
        await session.finish(status: "quit")
        let header = try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first)
        let cases: [(String, String)] = [
            (#"{"type":"point","epoch":0,"point":[1]}"#, "point event's \"point\" is not 2 finite numbers"),
            (#"{"type":"point","epoch":0}"#, "point event's \"point\" is not 2 finite numbers"),
            (#"{"type":"function","epoch":0,"domain":[0,1,0,1]}"#, "function event has no string \"function\""),
            (#"{"type":"function","epoch":0,"function":"x1","domain":[1,0,0,1]}"#, "function event's \"domain\""),
            (#"{"type":"params","epoch":0,"params":{"weight":"a"}}"#, "params event's \"params\""),
            (#"{"type":"configure","epoch":0,"points":0}"#, "configure event's \"points\" is not a positive integer"),
            (#"{"type":"configure","epoch":0,"domain":[1,2,3]}"#, "configure event's \"domain\""),
        ]
        for (line, message) in cases {
            let end = #"{"type":"end","status":"quit"}"#
            let text: String = header + "\n" + line + ",\n" + end + "\n]}\n"
            #expect {
                try RunFile.parse(Data(text.utf8), path: "bad.json")
            } throws: { error in
                // Line and column (the event's type), then why.
                (error as? GradlabError)?.message.hasPrefix("bad.json:2:9: " + message) == true
            }
        }
        // Well-formed ones read back as written.
        let point = #"{"type":"point","epoch":0,"point":[1.5,-2]}"#
        let configure = #"{"type":"configure","epoch":0,"points":9}"#
        let end = #"{"type":"end","status":"quit"}"#
        let good: String = header + "\n" + point + ",\n" + configure + ",\n" + end + "\n]}\n"
        let file = try RunFile.parse(Data(good.utf8), path: "good.json")
        let expected: [Event] = [.pointAdded(epoch: 0, point: SIMD2(1.5, -2)), .configure(epoch: 0, points: 9, domain: nil)]
        #expect(file.events == expected)
    }
}
