import Testing
@testable import GradlabUI

@Suite struct TicksTests {
    @Test(arguments: [
        (10.0, 5, 2.0), (10.0, 10, 1.0), (1.0, 4, 0.5), (7.0, 5, 2.0), (0.03, 3, 0.01),
        (1000.0, 4, 500.0), (6.0, 3, 2.0), (0.9, 10, 0.1),
    ])
    func niceSteps(span: Double, maxCount: Int, step: Double) {
        let result = Ticks.niceStep(span: span, maxCount: maxCount)
        #expect(abs(result - step) < step * 1e-9)
    }

    @Test func linearTicksAreMultiplesOfTheStep() {
        let (values, step) = Ticks.linear(-3...3, maxCount: 4)
        #expect(step == 2)
        #expect(values == [-2, 0, 2])
    }

    @Test func labelsUseTheDecimalsTheStepNeeds() {
        #expect(Ticks.label(0.5, step: 0.5) == "0.5")
        #expect(Ticks.label(-2, step: 1) == "-2")
        #expect(Ticks.label(0.25, step: 0.05) == "0.25")
        #expect(Ticks.label(1e7, step: 5e6) == "1e7")
        #expect(Ticks.label(0, step: 0.1) == "0")
    }

    @Test func logTicksAreDecades() {
        #expect(Ticks.logarithmic(-3...1, maxCount: 10) == [-3, -2, -1, 0, 1])
        #expect(Ticks.logarithmic(-6...2, maxCount: 4) == [-6, -3, 0])
        #expect(Ticks.logLabel(-2) == "0.01")
        #expect(Ticks.logLabel(3) == "1000")
        #expect(Ticks.logLabel(-5) == "1e-5")
    }

    @Test func compactNumbers() {
        #expect(NumberText.compact(0.0178) == "0.0178")
        #expect(NumberText.compact(1.5e-5) == "1.5e-5")
        #expect(NumberText.compact(.nan) == "NaN")
        #expect(NumberText.compact(-.infinity) == "-inf")
    }

    /// One formatter (issue 12): 4 digits for the status bar and legends, 6
    /// for the inspector, plain decimals in [1e-4, 1e6), one exponent style.
    @Test func oneNotationEverywhere() {
        #expect(NumberText.short(0.017782794100389228) == "0.01778")
        #expect(NumberText.short(1000) == "1000" && NumberText.long(1000) == "1000")
        #expect(NumberText.short(123456) == "123500" && NumberText.long(123456) == "123456")
        #expect(NumberText.short(2.5e6) == "2.5e6" && NumberText.long(2.5e6) == "2.5e6")
        #expect(NumberText.short(9.6838455e-08) == "9.684e-8")
        #expect(NumberText.long(-9.683846e-07) == "-9.68385e-7")
        #expect(NumberText.short(0.09999999999999999) == "0.1" && NumberText.long(0.1) == "0.1")
        #expect(NumberText.short(9.99996) == "10" && NumberText.long(-0.000100001) == "-0.000100001")
        #expect(NumberText.short(-0.00001) == "-1e-5")
        // Log-axis ticks use the same notation.
        #expect(Ticks.logLabel(5) == "100000" && Ticks.logLabel(6) == "1e6" && Ticks.logLabel(-5) == "1e-5")
    }
}
