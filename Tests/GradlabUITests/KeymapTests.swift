import Testing
@testable import GradlabUI

@Suite struct KeymapTests {
    @Test func everyActionHasABinding() {
        for action in Action.allCases {
            #expect(Keymap.binding(for: action) != nil, "\(action) has no key")
        }
    }

    @Test func noKeyIsBoundTwice() {
        #expect(Keymap.conflicts(in: Keymap.default).isEmpty)
    }

    @Test func specifiedKeys() {
        let expected: [(Key, Action)] = [
            (.character(" "), .stepOnce), (.character("."), .stepOnce),
            (.character("r"), .runPause), (.enter, .runPause),
            (.character("+"), .lrUpQuarter), (.character("-"), .lrDownQuarter),
            (.character("]"), .lrUpDecade), (.character("["), .lrDownDecade),
            (.character("n"), .epochsPerFrameUp), (.character("N"), .epochsPerFrameDown),
            (.character("o"), .nextOptimizer), (.character("d"), .nextDevice),
            (.character("v"), .switchView), (.character("l"), .toggleLogScale),
            (.character("R"), .resetNewSeed), (.tab, .focusNext), (.backTab, .focusPrevious),
            (.right, .selectNext), (.left, .selectPrevious), (.character("?"), .help),
            (.character("q"), .quit), (.ctrl("c"), .quit), (.escape, .dismiss),
        ]
        for (key, action) in expected { #expect(Keymap.action(for: key) == action, "\(key)") }
        #expect(Keymap.action(for: .character("y")) == nil)
    }

    @Test func everyBindingAppearsInTheHelpOverlay() {
        var screen = Screen(width: 120, height: 40)
        HelpOverlay().render(into: &screen, area: screen.bounds, theme: .dark, caps: .full)
        let text = screen.lines.joined(separator: "\n")
        for binding in Keymap.default {
            #expect(text.contains(binding.help), "help for \(binding.action) is missing")
            for key in binding.keys {
                #expect(text.contains(key.displayName()), "key \(key) is missing")
            }
        }
    }

    @Test func controlCodesDecode() {
        #expect(Terminal.characterKey(3) == .ctrl("c"))
        #expect(Terminal.characterKey(13) == .enter)
        #expect(Terminal.characterKey(9) == .tab)
        #expect(Terminal.characterKey(27) == .escape)
        #expect(Terminal.characterKey(0x71) == .character("q"))
        #expect(Terminal.characterKey(0x2800) == .character("\u{2800}"))
    }
}
