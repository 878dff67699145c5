import Foundation
import Testing
@testable import GradlabCore

@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
    @Test(arguments: [
        ("step:10,0.5", LearningRateSchedule.step(stepSize: 10, gamma: 0.5)),
        (" STEP : 3 , 0.1 ", .step(stepSize: 3, gamma: 0.1)),
        ("exp:0.95", .exponential(gamma: 0.95)),
        ("exponential:0.9", .exponential(gamma: 0.9)),
        ("cosine:100,0", .cosine(tMax: 100, etaMin: 0)),
        ("cosine:50", .cosine(tMax: 50, etaMin: 0)),
        ("cos:20,0.001", .cosine(tMax: 20, etaMin: 0.001)),
        ("none", .constant),
        ("constant", .constant),
    ])
    func parsesTheCLISyntax(_ text: String, _ expected: LearningRateSchedule) throws {
        #expect(try LearningRateSchedule.parse(text) == expected)
    }

    @Test(arguments: [
        ("step:10", "--schedule 'step:10': step needs step_size,gamma, like step:10,0.5"),
        ("step:0,0.5", "--schedule step: step size must be at least 1, got 0"),
        ("step:x,0.5", "--schedule 'step:x,0.5': step size 'x' is not a whole number"),
        ("exp:-1", "--schedule exp: gamma must be a positive number, got -1.0"),
        ("exp:", "--schedule 'exp:': gamma '' is not a number"),
        ("exp:nan", "--schedule 'exp:nan': gamma 'nan' is not a number"),
        ("cosine:0", "--schedule cosine: T_max must be at least 1, got 0"),
        ("cosine:10,-1", "--schedule cosine: eta_min must be a number >= 0, got -1.0"),
        ("cosine:1,2,3", "--schedule 'cosine:1,2,3': cosine needs T_max[,eta_min], like cosine:100,0"),
        ("none:3", "--schedule 'none:3': 'none' takes no arguments"),
        ("linear:3", "--schedule 'linear:3': unknown schedule 'linear' (use none, step:N,GAMMA, exp:GAMMA or cosine:T_MAX,ETA_MIN)"),
    ])
    func rejectsBadSyntaxInOneLine(_ text: String, _ message: String) {
        #expect(throws: GradlabError(message)) { try LearningRateSchedule.parse(text) }
        #expect(!message.contains("\n"))
    }

    @Test(arguments: [
        LearningRateSchedule.constant, .step(stepSize: 7, gamma: 0.5), .exponential(gamma: 0.95), .cosine(tMax: 30, etaMin: 0.001),
    ])
    func descriptionReadsBack(_ schedule: LearningRateSchedule) throws {
        #expect(try LearningRateSchedule.parse(schedule.description) == schedule)
    }

    @Test func stepLRMultipliesEveryStepSizeEpochs() {
        var scheduler = LearningRateScheduler(.step(stepSize: 3, gamma: 0.5), base: 0.8)
        let rates = (0..<7).map { _ in scheduler.step() }
        #expect(rates == [0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2])
        #expect(scheduler.epoch == 7)
    }

    @Test func chainableRatesStayCloseToTheClosedForm() {
        // PyTorch's two forms differ only by rounding while nobody overrides
        // the rate; cosine's recursion is checked past T_max (its restart).
        for schedule in [LearningRateSchedule.step(stepSize: 4, gamma: 0.7), .exponential(gamma: 0.97), .cosine(tMax: 12, etaMin: 0.01)] {
            var scheduler = LearningRateScheduler(schedule, base: 0.3)
            for epoch in 1...60 {
                let chained = scheduler.step()
                let closed = schedule.closedFormLearningRate(base: 0.3, epoch: epoch)
                #expect(abs(chained - closed) <= 1e-12 * max(abs(closed), 0.01), "\(schedule) epoch \(epoch): \(chained) vs \(closed)")
            }
        }
    }

    @Test func cosineReachesEtaMinAndComesBack() {
        var scheduler = LearningRateScheduler(.cosine(tMax: 10, etaMin: 0.001), base: 0.1)
        let rates = (1...20).map { _ in scheduler.step() }
        #expect(abs(rates[9] - 0.001) < 1e-15)
        #expect(rates[10] > rates[9])
        #expect(abs(rates[19] - 0.1) < 1e-12)
        #expect(rates.allSatisfy { $0.isFinite })
    }

    /// A T_max so large that 2 T_max is past Int.max (FuzzSchedule found it
    /// trapping): the rates stay finite and near the base, and the closed
    /// form agrees, rather than an arithmetic overflow.
    @Test func aHugeTMaxDoesNotOverflow() throws {
        let schedule = try LearningRateSchedule.parse("cos:5777777777777777777")
        var scheduler = LearningRateScheduler(schedule, base: 0.1)
        for epoch in 1...300 {
            let rate = scheduler.step()
            #expect(rate.isFinite && abs(rate - 0.1) < 1e-12, "epoch \(epoch): \(rate)")
            #expect(abs(schedule.closedFormLearningRate(base: 0.1, epoch: epoch) - rate) < 1e-12)
        }
    }

    @Test func aRateSetByHandIsCarriedOn() {
        // As after `group["lr"] = 0.5` between PyTorch scheduler steps.
        var scheduler = LearningRateScheduler(.exponential(gamma: 0.5), base: 0.1)
        scheduler.step()
        scheduler.override(learningRate: 0.8)
        #expect(scheduler.step() == 0.4)
        #expect(scheduler.base == 0.1)
    }

    @Test func constantScheduleNeverMoves() {
        var scheduler = LearningRateScheduler(.constant, base: 0.05)
        #expect((0..<5).map { _ in scheduler.step() } == [0.05, 0.05, 0.05, 0.05, 0.05])
    }

    @Test func schedulerResumesFromJSON() throws {
        var scheduler = LearningRateScheduler(.cosine(tMax: 5, etaMin: 0), base: 0.2)
        scheduler.step()
        scheduler.step()
        let restored = try JSONDecoder().decode(LearningRateScheduler.self, from: JSONEncoder().encode(scheduler))
        #expect(restored == scheduler)
        var a = scheduler, b = restored
        #expect(a.step() == b.step())
    }
}
