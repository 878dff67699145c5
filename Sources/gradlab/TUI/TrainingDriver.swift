import GradlabCore
import GradlabUI
import Synchronization

/// What the UI asks of training. Sent without waiting; the driver applies
/// them in order between epochs.
enum DriverCommand: Sendable {
    case step
    case setRunning(Bool)
    case toggleRunning
    case epochsPerFrame(Int)
    /// Every group's learning rate times 10^(steps/4).
    case scaleLearningRate(quarterDecades: Int)
    case nextOptimizer
    case nextDevice
    case reset
    /// Back to epoch 0 with the same seed: the same starts and data.
    case restart
    /// After a divergence: back to the last finite epoch (``Session/rewind()``).
    case rewind
    case select(Int)
    case save(String)
    // The mouse and the `:` commands.
    case setFunction(expression: String, name: String?, domain: [Double])
    case addPoint(SIMD2<Double>)
    case setParameters([NamedValues])
    /// `:lr`: the rate (every group's under `--compare`).
    case setLearningRate(Double)
    case setOptimizer(OptimizerConfig)
    /// `:points`, `:domain`: then a restart from the same seed.
    case reconfigure(points: Int?, domain: [Double]?)
    /// `:seed`: a reset with this seed.
    case resetSeed(UInt32)
    case setDevice(String)
    /// `:record PATH`: attach, then restart from the same starts so the
    /// file replays from epoch 0.
    case startRecording(Recorder)
    case stopRecording(Recorder)
    case quit
}

/// The task between the UI thread and the Session actor: it owns the run
/// loop (step N epochs a frame while running), so the UI never awaits
/// training and a key's effect shows within a frame.
final class TrainingDriver: Sendable {
    private struct Inbox {
        var commands: [DriverCommand] = []
        var running = false
        var epochsPerFrame = 1
    }

    let session: Session
    let live: LiveRun
    private let inbox = Mutex(Inbox())
    private let stopped = Atomic<Bool>(false)

    init(session: Session, live: LiveRun) {
        self.session = session
        self.live = live
    }

    func send(_ command: DriverCommand) {
        inbox.withLock { $0.commands.append(command) }
    }

    var isRunning: Bool { inbox.withLock { $0.running } }
    var epochsPerFrame: Int { inbox.withLock { $0.epochsPerFrame } }
    var hasStopped: Bool { stopped.load(ordering: .acquiring) }

    /// The loop; returns after `.quit`.
    func run() async {
        var selected = 0
        var seedCounter: UInt32 = 0
        await publishInspection(selected)
        while true {
            let (commands, running, perFrame) = inbox.withLock { state in
                defer { state.commands.removeAll() }
                return (state.commands, state.running, state.epochsPerFrame)
            }
            for command in commands {
                switch command {
                case .quit:
                    stopped.store(true, ordering: .releasing)
                    return
                case .step:
                    inbox.withLock { $0.running = false }
                    await session.step(1)
                case .setRunning(let on):
                    inbox.withLock { $0.running = on }
                case .toggleRunning:
                    inbox.withLock { $0.running.toggle() }
                case .epochsPerFrame(let n):
                    inbox.withLock { $0.epochsPerFrame = max(1, n) }
                case .scaleLearningRate(let steps):
                    do { try await session.scaleLearningRate(quarterDecades: steps) } catch { note(error.message) }
                case .nextOptimizer:
                    // The next one this lab can run (the linear lab skips Newton).
                    let current = await session.config.optimizer
                    var kind = current.kind.next, lastError: GradlabError?
                    for _ in OptimizerKind.allCases {
                        do {
                            try await session.setOptimizer(current.switched(to: kind))
                            lastError = nil
                            break
                        } catch {
                            lastError = error
                            kind = kind.next
                        }
                    }
                    if let lastError { note(lastError.message) }
                case .nextDevice:
                    let current = await session.device.name
                    let cycle = Devices.cycle
                    let next = cycle[((cycle.firstIndex(of: current) ?? 0) + 1) % cycle.count]
                    await session.setDevice(next)
                case .reset:
                    seedCounter &+= 1
                    let seed = await session.config.seed &+ seedCounter
                    await placing(nil)
                    do { try await session.reset(seed: seed) } catch { note(error.message) }
                case .restart:
                    let seed = await session.config.seed
                    await placing(nil)
                    do { try await session.reset(seed: seed) } catch { note(error.message) }
                case .rewind:
                    guard let target = await session.rewindEpoch else {
                        note("u: nothing to rewind; u goes back to the last finite epoch after a run diverges")
                        break
                    }
                    live.update { $0.rewindTarget = target }
                    do { try await session.rewind() } catch {
                        live.update { $0.rewindTarget = nil }
                        note("u: \(error.message)")
                    }
                case .select(let index):
                    selected = index
                case .setFunction(let expression, let name, let domain):
                    do { try await session.setFunction(expression, name: name, domain: domain) } catch { note("f: " + error.message) }
                case .addPoint(let point):
                    do { try await session.addPoint(point) } catch { note("click: " + error.message) }
                case .setParameters(let values):
                    do { try await session.setParameters(values) } catch { note("click: " + error.message) }
                case .setLearningRate(let lr):
                    do {
                        if let compare = await session.config.compare {
                            try await session.setGroupLearningRates(Array(repeating: lr, count: compare.count))
                        } else {
                            try await session.setLearningRate(lr)
                        }
                    } catch { note("lr: " + error.message) }
                case .setOptimizer(let config):
                    do { try await session.setOptimizer(config) } catch { note("optimizer: " + error.message) }
                case .reconfigure(let points, let domain):
                    await placing(points)
                    do {
                        try await session.restart(points: points, domain: domain)
                    } catch {
                        // The lab's refusal names the flag; here the command was typed.
                        let message = error.message.hasPrefix("--points ") ? ":" + error.message.dropFirst(2) : error.message
                        // No reset came: the next one (R, x) is not this command's.
                        live.update { $0.resetReason = nil }
                        note(message + "; nothing changed")
                    }
                case .resetSeed(let seed):
                    await placing(nil)
                    do { try await session.reset(seed: seed) } catch { note("seed: " + error.message) }
                case .setDevice(let name):
                    await session.setDevice(name)
                case .startRecording(let recorder):
                    await placing(nil)
                    do { try await session.startRecording(recorder) } catch { note(error.message) }
                case .stopRecording(let recorder):
                    await session.detach(recorder)
                    recorder.finish(status: "quit")
                case .save(let path):
                    do {
                        let state = try await session.checkpoint()
                        let config = await session.config
                        try Checkpoint.save(params: state.params, dtype: config.dtype, lab: config.lab, epoch: state.epoch,
                                            optimizer: state.optimizer, function: LandscapeFunction(config), path: path)
                        live.say("saved \(path) at epoch \(state.epoch)", warning: false)
                    } catch {
                        note(error.message)
                    }
                }
            }
            if !commands.isEmpty {
                await publishInspection(selected)
                if live.isBusy { live.setBusy(nil) }
            }
            if running, !(await session.isDiverged) {
                let started = ContinuousClock.now
                // Run the frame's epochs in slices, so a command waits at most ~15 ms.
                var done = 0
                while done < perFrame {
                    let slice = min(perFrame - done, max(1, done == 0 ? 1 : done))
                    await session.step(slice)
                    done += slice
                    if ContinuousClock.now - started > .milliseconds(15) || inbox.withLock({ !$0.commands.isEmpty }) { break }
                }
                if await session.isDiverged { inbox.withLock { $0.running = false } }
                await publishInspection(selected)
                let spent = ContinuousClock.now - started
                if spent < .milliseconds(30) { try? await Task.sleep(for: .milliseconds(30) - spent) }
            } else {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    private func publishInspection(_ selected: Int) async {
        let inspection = await session.inspect(selectedPoint: selected)
        let config = await session.config
        live.update {
            $0.config = config
            $0.inspection = inspection
            $0.version &+= 1
        }
    }

    /// From this many points (all groups together) placing them takes long
    /// enough to say so: about a second in a release build at 10 M.
    static let busyPoints = 1_000_000

    /// Before a command that places every start point again (`:points`, a
    /// reset, a restart, `:seed`, `:record`): with ``busyPoints`` or more
    /// (`count`, or the run's own), says `placing N points` in the status
    /// line and waits until a frame shows it, so the indication is on screen
    /// before the work starts (at most 250 ms: nothing may be drawing).
    /// The end of the batch of commands clears it.
    private func placing(_ count: Int?) async {
        let config = await session.config
        guard config.lab == .landscape else { return }
        let total = (count ?? config.starts?.count ?? config.points) * config.groups.count
        guard total >= Self.busyPoints else { return }
        let version = live.setBusy("placing \(NumberText.count(total)) points")
        await live.waitUntilDrawn(version, timeout: .milliseconds(250))
    }

    private func note(_ message: String) {
        live.say(message, warning: true)
    }
}
