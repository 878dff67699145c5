import Foundation
import Testing
import GradlabCore
import GradlabUI
@testable import gradlab

/// The `:` command line: parsing (a bad line changes nothing and says where
/// it is wrong), history, completion and how the prompt is drawn.
@Suite("Command line (:)")
struct CommandLineTests {
    private var landscape: LabConfig {
        var config = LabConfig(lab: .landscape)
        config.optimizer.lr = 0.1
        return config
    }

    private func error(_ line: String, _ config: LabConfig? = nil) -> CommandLineError? {
        do {
            _ = try LabCommand.parse(line, config: config ?? landscape)
            return nil
        } catch {
            return error
        }
    }

    @Test func commandsParse() throws {
        let himmelblau = try TestFunction.lookup("himmelblau")
        #expect(try LabCommand.parse("f himmelblau", config: landscape)
                == .function(expression: himmelblau.expression, name: "himmelblau", domain: himmelblau.domain))
        #expect(try LabCommand.parse("f x1^2 + x2^2", config: landscape)
                == .function(expression: "x1^2 + x2^2", name: nil, domain: landscape.domain))
        #expect(try LabCommand.parse("lr 0.05", config: landscape) == .learningRate(0.05))
        #expect(try LabCommand.parse("  points 200 ", config: landscape) == .points(200))
        // A large count as a person types it.
        #expect(try LabCommand.parse("points 1e8", config: landscape) == .points(100_000_000))
        #expect(try LabCommand.parse("points 2.5e6", config: landscape) == .points(2_500_000))
        #expect(try LabCommand.parse("points 100_000", config: landscape) == .points(100_000))
        for bad in ["1.5", "1e-3", "0x10", "inf", "nan", "1e30", "0"] {
            #expect(throws: CommandLineError.self, "\(bad)") { _ = try LabCommand.parse("points \(bad)", config: landscape) }
        }
        #expect(try LabCommand.parse("domain -1,1,-2,2", config: landscape) == .domain([-1, 1, -2, 2]))
        #expect(try LabCommand.parse("seed 7", config: landscape) == .seed(7))
        #expect(try LabCommand.parse("epochs-per-frame 10", config: landscape) == .epochsPerFrame(10))
        #expect(try LabCommand.parse("save a.safetensors", config: landscape) == .save("a.safetensors"))
        #expect(try LabCommand.parse("record run.json", config: landscape) == .record("run.json"))
        #expect(try LabCommand.parse("record stop", config: landscape) == .recordStop)
        #expect(try LabCommand.parse("theme light", config: landscape) == .theme("light"))
        #expect(try LabCommand.parse("device cpu", config: landscape) == .device("cpu"))
        #expect(try LabCommand.parse("help", config: landscape) == .help)
        // Torch names and options; the lr carries over unless given.
        guard case .optimizer(let adam) = try LabCommand.parse("optimizer adam betas=0.8,0.99 amsgrad", config: landscape) else {
            Issue.record("not an optimizer")
            return
        }
        #expect(adam.kind == .adam && adam.amsgrad && adam.beta1 == 0.8 && adam.beta2 == 0.99 && adam.lr == 0.1)
        guard case .optimizer(let momentum) = try LabCommand.parse("optimizer momentum lr=0.01", config: landscape) else {
            Issue.record("not an optimizer")
            return
        }
        #expect(momentum.kind == .sgd && momentum.momentum == 0.9 && momentum.lr == 0.01)
        // A flag given a value takes it: =false turns it off.
        guard case .optimizer(let plain) = try LabCommand.parse("optimizer nesterov nesterov=false maximize=no", config: landscape),
              case .optimizer(let off) = try LabCommand.parse("optimizer adam amsgrad=0", config: landscape),
              case .optimizer(let on) = try LabCommand.parse("optimizer adam amsgrad=true maximize=1", config: landscape) else {
            Issue.record("not an optimizer")
            return
        }
        #expect(!plain.nesterov && !plain.maximize && plain.momentum == 0.9 && !off.amsgrad)
        #expect(on.amsgrad && on.maximize)
    }

    /// `:optimizer`'s messages name options as the prompt writes them, not
    /// as command-line flags or `--compare` items.
    @Test func optimizerMessagesSpeakThePromptsSyntax() {
        #expect(error("optimizer adam betas=0.8") == CommandLineError(
            message: "betas must be two numbers like betas=0.9,0.999, got 'betas=0.8'", column: 15))
        #expect(error("optimizer sgd nesterov")?.message == "invalid optimizer option: nesterov needs momentum > 0 and dampening 0")
        #expect(error("optimizer adam amsgrad=maybe") == CommandLineError(
            message: "'amsgrad=maybe': amsgrad is a flag: write amsgrad alone, or amsgrad=true or amsgrad=false", column: 15))
        #expect(error("optimizer rprop etas=2,3")?.message
            == "invalid optimizer option: etas=etaminus,etaplus must have 0 < etaminus < 1 < etaplus, got etas=2,3")
        #expect(error("optimizer adam momentum=0.9")?.message
            == "adam takes no momentum (its options: lr, betas, eps, weight_decay, amsgrad, maximize)")
        for line in ["optimizer adam betas=0.8", "optimizer adam momentum=0.9", "optimizer sgd nesterov", "optimizer adam lr=x", "optimizer adam bogus=1", "optimizer lion"] {
            let message = error(line)?.message ?? ""
            #expect(!message.contains("--"), "\(line): \(message)")
            #expect(!message.contains("'adam:"), "\(line): \(message)")
        }
    }

    @Test func aBadLineSaysWhereItIsWrong() {
        // `:f sin(x1`: the caret goes one past the end, where ')' is missing.
        #expect(error("f sin(x1") == CommandLineError(message: "expected ')'", column: 8))
        #expect(error("f sin(x1) + x3")?.column == 12)
        #expect(error("f x1 +* x2")?.column == 6, "under the *")
        #expect(error("lr fast") == CommandLineError(message: "'fast' is not a number", column: 3))
        #expect(error("lr -1") == CommandLineError(message: "the learning rate must be finite and positive, not -1", column: 3))
        #expect(error("lr inf")?.message == "the learning rate must be finite and positive, not inf")
        #expect(error("lr nan")?.message == "the learning rate must be finite and positive, not nan")
        // Extra text is named, the caret under it.
        #expect(error("lr 0.5 extra") == CommandLineError(message: ":lr takes one number; remove 'extra'", column: 7))
        #expect(error("lr  0.5  a b ") == CommandLineError(message: ":lr takes one number; remove 'a b'", column: 9))
        #expect(error("lr")?.message == ":lr needs a learning rate, like :lr 0.01")
        #expect(error("domain 0,1,x,3") == CommandLineError(message: "'x' is not a finite number", column: 11))
        #expect(error("domain 1,0,0,1")?.message == "each min must be below its max")
        // A width that overflows would draw every start point as NaN.
        #expect(error("domain -1e308,1e308,0,1")?.message == "each width, max - min, must be a finite number")
        #expect(error("points many")?.column == 7)
        #expect(error("optimizer adamm")?.message.contains("unknown optimizer 'adamm'") == true)
        #expect(error("optimizer adam bogus=1")?.column == 15, "under the option")
        #expect(error("frobnicate 3") == CommandLineError(message: "unknown command 'frobnicate'; Tab completes", column: 0))
        #expect(error("optimzer adam")?.message == "unknown command 'optimzer' (did you mean optimizer?); Tab completes")
        #expect(error("opt adam")?.message == "unknown command 'opt' (did you mean optimizer?); Tab completes")
        #expect(error("device tpu")?.message == "unknown device 'tpu' (cpu, cuda, auto)")
        #expect(error("f rosenbrok")?.message == "unknown function 'rosenbrok'; did you mean 'rosenbrock'?")
        #expect(error("")?.column == 0)
        // A data lab has no function or points to change.
        #expect(error("f himmelblau", LabConfig(lab: .linear))?.message.contains("only the landscape") == true)
    }

    @Test func everyCommandIsInTheTableAndTheHelp() {
        let names = LabCommand.specs.map(\.name)
        #expect(names == ["f", "lr", "optimizer", "points", "domain", "seed", "epochs-per-frame", "save", "record", "theme", "device", "help"])
        // `?` on the live lab: page 2 the mouse and the prompt, page 3 the commands,
        // each whole at 80×24 (nothing cut short).
        for (page, bindings) in [(1, Keymap.mouse + Keymap.commandLine), (2, LabCommand.helpLines)] {
            var model = DashboardModel(status: StatusBar(), main: .plane(ParameterPlane(xRange: 0...1, yRange: 0...1)),
                                       loss: LossChart(), inspector: Inspector(), showHelp: true)
            model.helpPage = page
            model.commandHelp = LabCommand.helpLines
            let text = Dashboard.render(model, width: 80, height: 24, theme: .dark, caps: .full).lines.joined(separator: "\n")
            for binding in bindings {
                #expect(text.contains(binding.keyText() + "  ") || text.contains(binding.keyText() + " "), "\(binding.keyText()) missing on page \(page + 1)")
                #expect(text.contains(binding.help), "'\(binding.help)' missing or cut on page \(page + 1)")
            }
        }
    }

    private func type(_ text: String, into prompt: inout CommandPrompt) {
        for c in text { _ = prompt.handle(.key(.character(c)), themes: ["dark", "light"]) }
    }

    @Test func historyCompletionAndEditing() {
        var prompt = CommandPrompt()
        prompt.open()
        type("lr 0.5", into: &prompt)
        #expect(prompt.handle(.key(.enter), themes: []) == .submit("lr 0.5"))
        prompt.accept("lr 0.5")
        #expect(!prompt.isOpen)
        prompt.open()
        type("seed 3", into: &prompt)
        prompt.accept("seed 3")
        prompt.open()
        type("p", into: &prompt)
        _ = prompt.handle(.key(.up), themes: [])
        #expect(prompt.line == "seed 3")
        _ = prompt.handle(.key(.up), themes: [])
        #expect(prompt.line == "lr 0.5")
        _ = prompt.handle(.key(.up), themes: [])
        #expect(prompt.line == "lr 0.5", "the oldest stays")
        _ = prompt.handle(.key(.down), themes: [])
        _ = prompt.handle(.key(.down), themes: [])
        #expect(prompt.line == "p", "Down past the newest returns to what was typed")

        // Tab: a unique command, then a function name.
        _ = prompt.handle(.key(.backspace), themes: [])
        type("epo", into: &prompt)
        _ = prompt.handle(.key(.tab), themes: [])
        #expect(prompt.line == "epochs-per-frame ")
        prompt.open()
        type("f himm", into: &prompt)
        _ = prompt.handle(.key(.tab), themes: [])
        #expect(prompt.line == "f himmelblau ")
        prompt.open()
        type("d", into: &prompt)
        _ = prompt.handle(.key(.tab), themes: [])
        #expect(prompt.candidates == ["domain", "device"])
        prompt.open()
        type("theme l", into: &prompt)
        _ = prompt.handle(.key(.tab), themes: ["dark", "light"])
        #expect(prompt.line == "theme light ")

        // Cursor moves, deletes, a paste.
        prompt.open()
        type("lr 05", into: &prompt)
        _ = prompt.handle(.key(.left), themes: [])
        _ = prompt.handle(.key(.left), themes: [])
        _ = prompt.handle(.paste("0."), themes: [])
        #expect(prompt.line == "lr 0.05")
        _ = prompt.handle(.key(.home), themes: [])
        _ = prompt.handle(.key(.right), themes: [])
        _ = prompt.handle(.key(.backspace), themes: [])
        #expect(prompt.line == "r 0.05")
        #expect(prompt.handle(.key(.escape), themes: []) == .cancelled)
        #expect(!prompt.isOpen)
    }

    @Test func aRejectedLineStaysWithACaretUnderTheFault() throws {
        var prompt = CommandPrompt()
        prompt.open()
        type("f sin(x1", into: &prompt)
        guard case .submit(let line) = prompt.handle(.key(.enter), themes: []) else {
            Issue.record("Enter did not submit")
            return
        }
        let fault = try #require(error(line))
        prompt.reject(line, error: fault)
        #expect(prompt.isOpen && prompt.line == "f sin(x1")
        var screen = Screen(width: 60, height: 6)
        prompt.render(into: &screen, theme: .dark, caps: .full)
        let lines = screen.lines
        #expect(lines[4].hasPrefix(":f sin(x1"))
        #expect(lines[5].hasPrefix("         ^ expected ')'"))
        // Typing the fix clears the error; the line parses.
        type(")", into: &prompt)
        #expect(prompt.error == nil)
        #expect(try LabCommand.parse(prompt.line, config: landscape) == .function(expression: "sin(x1)", name: nil, domain: landscape.domain))
    }
}
