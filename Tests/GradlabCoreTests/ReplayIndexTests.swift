import Foundation
import Testing
@testable import GradlabCore
import GradlabTestSupport

@Suite("Replay index, fork and CSV")
struct ReplayIndexTests {
    @Test func positionsSegmentsAndStateAsOfEachEpoch() async throws {
        let (_, file) = try await ReplayRecordings.linearWithChanges(in: try Fixtures.temporaryDirectory())
        let index = RunIndex(file)
        #expect(index.count == 13)
        #expect(index.records.map(\.epoch) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3])
        #expect(index.segments == [0...8, 9...12])
        #expect(index.segment(containing: 11) == 9...12)

        // The lr change was made at epoch 3: it shows from epoch 3 on.
        #expect(index.state(at: 2)?.learningRate == 0.001)
        #expect(index.state(at: 3)?.learningRate == 0.01)
        #expect(index.state(at: 3)?.lastChange == .learningRate(epoch: 3, lr: 0.01))
        #expect(index.state(at: 4)?.lastChangePosition == 3)
        let atFive = try #require(index.state(at: 5))
        #expect(atFive.optimizer.kind == .adam && atFive.learningRate == 0.005)
        #expect(index.state(at: 4)?.optimizer.kind == .sgd)
        #expect(index.state(at: 7)?.lastChange == .device(epoch: 7, name: "cpu", note: nil))
        // The reset belongs to the epoch-0 record after it; the optimizer carries over.
        #expect(index.state(at: 8)?.lastChange == .device(epoch: 7, name: "cpu", note: nil))
        #expect(index.state(at: 9)?.lastChange == .reset(epoch: 0, seed: 7))
        #expect(index.state(at: 12)?.optimizer.kind == .adam)
        // The start's device line is no change.
        #expect(index.state(at: 0)?.lastChange == nil)
        #expect(index.state(at: 0)?.device == "cpu")

        // Events up to a position: the lr event belongs to position 3.
        let kinds = file.events.map { event -> String in
            switch event {
            case .epoch(let r): return "e\(r.epoch)"
            case .learningRate: return "lr"
            case .groupLearningRates: return "lrs"
            case .optimizer: return "opt"
            case .device: return "dev"
            case .reset: return "reset"
            case .divergence: return "div"
            case .function, .pointAdded, .parameters, .configure: return "manipulation"
            }
        }
        #expect(kinds.prefix(index.eventCounts[2]).last == "e2")
        #expect(kinds.prefix(index.eventCounts[3]).suffix(2) == ["e3", "lr"])
        #expect(kinds.prefix(index.eventCounts[8]).last == "e8")
        #expect(kinds.prefix(index.eventCounts[9]).suffix(2) == ["reset", "e0"])
        #expect(index.eventCounts[12] == file.events.count)

        // Go to epoch: the current segment first, then the others.
        #expect(index.position(ofEpoch: 2, near: 10) == 11)
        #expect(index.position(ofEpoch: 2, near: 0) == 2)
        #expect(index.position(ofEpoch: 6, near: 10) == 6)
        #expect(index.position(ofEpoch: 99, near: 0) == nil)
        #expect(index.position(ofEpoch: -1, near: 0) == nil)
    }

    @Test func forkingAtEveryEpochReRunsToTheRecordedState() async throws {
        let (_, file) = try await ReplayRecordings.linearWithChanges(in: try Fixtures.temporaryDirectory())
        let index = RunIndex(file)
        for position in 0..<index.count {
            let fork = try await RunFork.rerun(file, index: index, through: position)
            #expect(fork.mismatch == nil, "position \(position): \(fork.mismatch ?? "")")
            // The re-run published exactly the recorded events up to there.
            #expect(ReplayRecordings.lines(fork.events, single: true)
                    == ReplayRecordings.lines(file.events.prefix(index.eventCounts[position]), single: true),
                    "position \(position)")
            #expect(await fork.session.epoch == index.records[position].epoch)
        }
        // The stream holds nothing of the re-run: the next event is the next epoch.
        let fork = try await RunFork.rerun(file, index: index, through: 1)
        await fork.session.step(1)
        var iterator = fork.session.events.makeAsyncIterator()
        let next = await iterator.next()
        #expect(next.map { [$0] }.map { ReplayRecordings.lines($0, single: true) }
                == ReplayRecordings.lines([Event.epoch(index.records[2])], single: true))
    }

    @Test func aForkThatDoesNotMatchTheRecordingSaysWhere() async throws {
        let (_, original) = try await ReplayRecordings.linearWithChanges(in: try Fixtures.temporaryDirectory())
        var file = original
        let at = try #require(file.events.firstIndex { if case .epoch(let r) = $0 { return r.epoch == 4 } else { return false } })
        guard case .epoch(var record) = file.events[at] else { Issue.record("not an epoch"); return }
        record.params[0].values[0] += 0.001
        file.events[at] = .epoch(record)
        let fork = try await RunFork.rerun(file, index: RunIndex(file), through: 4)
        let mismatch = try #require(fork.mismatch)
        #expect(mismatch.hasPrefix("params weight="), "\(mismatch)")
        #expect(mismatch.contains("re-run") && mismatch.contains("recorded"))
    }

    @Test func exportedCSVHasOneRowPerEpochInTheFilesOwnNumbers() async throws {
        let (_, file) = try await ReplayRecordings.linearWithChanges(in: try Fixtures.temporaryDirectory())
        let lines = RunCSV.table(RunIndex(file)).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "epoch,loss,trainLoss,testLoss,weight,bias")
        #expect(lines.count == 13 + 2) // header, rows, and the empty string after the last newline
        let records = file.epochs
        let third = lines[3].split(separator: ",").map(String.init)
        #expect(third[0] == "2")
        #expect(third[1] == "\(Float(records[2].loss))")
        #expect(third[4] == "\(Float(try #require(records[2].param("weight")?.first)))")
        #expect(third[5] == "\(Float(try #require(records[2].param("bias")?.first)))")
        #expect(lines[10].hasPrefix("0,")) // epochs count from 0 again after the reset

        let landscape = try await ReplayRecordings.landscape(points: 50, track: 3, epochs: 4, in: try Fixtures.temporaryDirectory())
        let table = RunCSV.table(RunIndex(landscape), points: 2).split(separator: "\n")
        #expect(table.first == "epoch,loss,p0.x1,p0.x2,p1.x1,p1.x2,fMin,fMax,mean.x1,mean.x2")
        let last = table[table.count - 1].split(separator: ",").compactMap { Double($0) }
        let record = try #require(landscape.epochs.last)
        let summary = try #require(record.summary)
        #expect(last == [4, record.loss, record.points?[0].x, record.points?[0].y, record.points?[1].x, record.points?[1].y,
                         summary.fMin, summary.fMax, summary.mean.x, summary.mean.y].compactMap { $0 })
    }

    @Test func landscapeSummaryCoversEveryPointOnlyWhenSomeAreUntracked() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let all = try await ReplayRecordings.landscape(points: 40, track: 40, epochs: 2, in: directory)
        #expect(all.epochs.allSatisfy { $0.summary == nil })
        let some = try await ReplayRecordings.landscape(points: 40, track: 5, epochs: 2, in: directory)
        #expect(some.epochs.allSatisfy { $0.summary != nil && $0.points?.count == 5 })
        // The summary's mean is over all 40 points: compare with a run that tracks them all.
        for (a, b) in zip(all.epochs, some.epochs) {
            let points = try #require(a.points)
            let mean = points.reduce(SIMD2<Double>(0, 0), +) / Double(points.count)
            let summary = try #require(b.summary)
            #expect(abs(summary.mean.x - mean.x) < 1e-12 && abs(summary.mean.y - mean.y) < 1e-12)
            #expect(summary.fMin <= a.loss && a.loss <= summary.fMax)
        }
    }

    /// Under --compare each group's summary is recorded (groupSummary), and
    /// is the summary the same optimizer records when it runs alone.
    @Test func compareRecordsEachGroupsSummaryAsItsOwnRunDoes() async throws {
        let directory = try Fixtures.temporaryDirectory()
        var sgd = OptimizerConfig(kind: .sgd), momentum = OptimizerConfig(kind: .sgd), adam = OptimizerConfig(kind: .adam)
        (sgd.lr, momentum.lr, momentum.momentum, adam.lr) = (0.01, 0.003, 0.9, 0.05)
        let groups = [sgd, momentum, adam]
        let compared = try await ReplayRecordings.landscape(points: 30, track: 4, epochs: 5, compare: groups, in: directory)
        #expect(compared.epochs.count == 6)
        #expect(compared.epochs.allSatisfy { $0.summary == nil && $0.groupSummary?.count == 3 })
        for (g, group) in groups.enumerated() {
            let alone = try await ReplayRecordings.landscape(points: 30, track: 4, epochs: 5, compare: [group], in: directory)
            #expect(alone.epochs.allSatisfy { $0.groupSummary == nil })
            #expect(compared.epochs.map { $0.groupSummary?[g] } == alone.epochs.map(\.summary), "group \(g): \(group.summary)")
        }
        // Tracking every point: no summary, as without --compare.
        let tracked = try await ReplayRecordings.landscape(points: 4, track: 4, epochs: 2, compare: groups, in: directory)
        #expect(tracked.epochs.allSatisfy { $0.summary == nil && $0.groupSummary == nil })

        // The CSV has each group's summary columns, the recorded numbers.
        let table = RunCSV.table(RunIndex(compared), points: 1).split(separator: "\n")
        let header = table[0].split(separator: ",").map(String.init)
        #expect(Array(header.suffix(12)) == (0..<3).flatMap { g in ["fMin", "fMax", "mean.x1", "mean.x2"].map { "g\(g).\($0)" } })
        #expect(!header.contains("fMin"))
        let last = table[table.count - 1].split(separator: ",").compactMap { Double($0) }
        let summaries = try #require(compared.epochs.last?.groupSummary)
        #expect(Array(last.suffix(12)) == summaries.flatMap { [$0.fMin, $0.fMax, $0.mean.x, $0.mean.y] })
    }

    @Test func aHundredThousandEpochIndexSeeksByBinarySearch() {
        var config = LabConfig(lab: .quadratic)
        config.device = "cpu"
        var events: [Event] = [.device(epoch: 0, name: "cpu", note: nil)]
        for epoch in 0...100_000 {
            events.append(.epoch(EpochRecord(epoch: epoch, loss: Double(epoch), params: [NamedValues("a", [Double(epoch) / 7])])))
            if epoch % 1000 == 500 { events.append(.learningRate(epoch: epoch, lr: Double(epoch))) }
        }
        let file = RunFile(version: 1, config: config, events: events, status: "completed", warning: nil)
        let started = ContinuousClock.now
        let index = RunIndex(file)
        let built = ContinuousClock.now - started
        var generator = SystemRandomNumberGenerator()
        let seekStart = ContinuousClock.now
        for _ in 0..<10_000 {
            let position = Int.random(in: 0..<index.count, using: &generator)
            let state = index.state(at: position)
            // The lr in effect: the last change at or before this epoch.
            let expected = position < 500 ? config.optimizer.lr : Double((position - 500) / 1000 * 1000 + 500)
            #expect(state?.learningRate == expected)
            #expect(state?.epoch == position)
        }
        let seeks = ContinuousClock.now - seekStart
        print("RunIndex: 100,001 epochs indexed in \(built); 10,000 seeks in \(seeks)")
        #expect(index.position(ofEpoch: 99_999, near: 0) == 99_999)
        #expect(RunIndex.sample(0...100_000, limit: 4096).count <= 4097)
        #expect(RunIndex.sample(0...100_000, limit: 4096).last == 100_000)
        #expect(RunIndex.sample(3...10, limit: 4096) == Array(3...10))
    }
}
