import Foundation
import Testing
@testable import GradlabUI

/// Input as events: the keymaps per mode and the scripted backend.
@Suite @MainActor
struct InputEventTests {
    @Test func eachModesTableHasNoKeyTwice() {
        for mode in InputMode.allCases {
            #expect(Keymap.conflicts(in: Keymap.table(for: mode)).isEmpty, "\(mode)")
            #expect(Keymap.conflicts(in: Keymap.table(for: mode, replay: true)).isEmpty, "\(mode) in a replay")
        }
        #expect(Keymap.table(for: .commandLine).first { $0.keys.contains(.enter) }?.action == .submitLine)
        #expect(Keymap.action(for: .escape, in: Keymap.goTo) == .cancelLine)
        #expect(Keymap.action(for: .character(":")) == .commandLine)
        // Gestures are listed by name, each once.
        let gestures = Keymap.mouse.compactMap(\.gesture)
        #expect(gestures.count == Keymap.mouse.count && Set(gestures).count == gestures.count)
        #expect(Keymap.mouse.allSatisfy { $0.keyText() == $0.gesture })
    }

    @Test func theHelpListsTheMouseAndThePromptFromTheirTables() {
        var screen = Screen(width: 80, height: 23)
        HelpOverlay(bindings: Keymap.mouse + Keymap.commandLine, title: "Mouse and the : prompt (2/3)")
            .render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let text = screen.lines.joined(separator: "\n")
        for binding in Keymap.mouse + Keymap.commandLine {
            #expect(text.contains(binding.keyText()) && text.contains(binding.help), "\(binding.action)")
        }
    }

    @Test func aScriptedBackendDeliversAfterEachFrame() {
        let backend = ScriptedBackend(width: 80, height: 24, script: [
            .event(.key(.character("a"))),
            .event(.resize(width: 100, height: 30)),
            .event(.paste("xyz")),
        ])
        // Before the first frame nothing comes: a click needs a frame to land on.
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == nil)
        backend.draw(Screen(width: 80, height: 24))
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == .key(.character("a")))
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == nil, "the next waits for a frame")
        backend.draw(Screen(width: 80, height: 24))
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == .resize(width: 100, height: 30))
        #expect(backend.size.width == 100 && backend.size.height == 30)
        backend.draw(Screen(width: 100, height: 30))
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == .paste("xyz"))
        backend.draw(Screen(width: 100, height: 30))
        // Then `q`, for as long as it is asked.
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == .key(.character("q")))
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == .key(.character("q")))
        #expect(backend.lastFrame?.width == 100)
        backend.setMouseReporting(true)
        #expect(backend.mouseReporting)
    }

    @Test func aWaitStepHoldsEventsBack() {
        let backend = ScriptedBackend(script: [.wait(milliseconds: 50), .event(.key(.enter)),
                                               .until(timeoutMilliseconds: 30) { _ in false }])
        backend.draw(Screen(width: 10, height: 5))
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == nil)
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == nil, "still waiting")
        Thread.sleep(forTimeInterval: 0.08)
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == .key(.enter))
        // A condition no frame meets holds events back until its timeout, and is reported.
        backend.draw(Screen(width: 10, height: 5))
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == nil)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(backend.nextEvent(timeoutMilliseconds: 0) == .key(.character("q")))
        #expect(backend.timedOut == [2], "the script's third step (0-based 2)")
    }
}
