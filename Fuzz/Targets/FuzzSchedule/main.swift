import Foundation
import FuzzSupport
import GradlabCore

// The --schedule parser; a schedule it accepts gives rates for a few
// hundred epochs without trapping.
fuzz { input in
    guard let schedule = try? LearningRateSchedule.parse(input.text) else { return }
    var scheduler = LearningRateScheduler(schedule, base: 0.1)
    for epoch in 0..<300 {
        _ = scheduler.step()
        _ = schedule.closedFormLearningRate(base: 0.1, epoch: epoch)
    }
    _ = schedule.description
}
