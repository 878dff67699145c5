import Testing
@testable import gradlab
import GradlabCore

@Suite("Replay frames")
struct ReplayFrameTests {
    @Test func probe() {
        let player = ReplayPlayer(lastPosition: 3)
        #expect(player.position == 0)
    }
}
