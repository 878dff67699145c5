import Foundation
import Testing
@testable import GradlabCore
import GradlabTestSupport

/// `--record` writes λmax per epoch (issue 14): at each tracked point
/// (landscape) or of the loss at the parameters (data labs).
@Suite("λmax in the run file")
struct CurvatureRecordingTests {
    @Test func theLandscapeRecordsLambdaMaxAtEveryTrackedPoint() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.function = "x1^2 + 10*x2^2 + x1*x2"
        config.points = 6
        config.optimizer.lr = 0.01
        let recorder = try Recorder(path: path, config: config)
        let session = try Session(config: config, sinks: [recorder], streaming: false)
        await session.start()
        await session.step(3)
        await session.finish(status: "completed")
        let file = try RunFile.load(path: path)
        let records = file.events.compactMap { event -> EpochRecord? in
            if case .epoch(let record) = event { return record }
            return nil
        }
        #expect(records.count == 4)
        // A quadratic: the Hessian [[2, 1], [1, 20]] everywhere.
        let expected = 11 + (81.0 + 1).squareRoot()
        for record in records {
            let values = try #require(record.lambdaMax)
            #expect(values.count == record.points?.count)
            #expect(values.allSatisfy { abs($0 - expected) < 1e-12 })
        }
    }

    @Test func aDataLabRecordsItsLossHessiansLambdaMax() async throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        var config = LabConfig(lab: .quadratic)
        config.device = "cpu"
        let recorder = try Recorder(path: path, config: config)
        let session = try Session(config: config, sinks: [recorder], streaming: false)
        await session.start()
        await session.step(2)
        await session.finish(status: "completed")
        let records = try RunFile.load(path: path).events.compactMap { event -> EpochRecord? in
            if case .epoch(let record) = event { return record }
            return nil
        }
        let curvature = try Curvature.loss(config: config, dataset: await session.dataset, at: [0, 0, 0])
        for record in records {
            let value = try #require(record.lambdaMax?.first)
            // An f32 run file prints Float's digits; MSE's Hessian is constant.
            #expect(abs(value - curvature.maxEigenvalue) <= 1e-6 * curvature.maxEigenvalue)
        }
    }

    /// Without a recorder nothing is computed: the TUI's stream has no λmax.
    @Test func onlyTheRecorderPaysForIt() async throws {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = 4
        let session = try Session(config: config)
        await session.start()
        await session.finish(status: "completed")
        for await event in session.events {
            if case .epoch(let record) = event { #expect(record.lambdaMax == nil) }
        }
    }
}
