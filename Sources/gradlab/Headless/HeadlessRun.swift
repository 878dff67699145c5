#if canImport(Glibc)
import Glibc
#endif
import GradlabCore

/// `gradlab --headless`: drives the Session to the configured number of
/// epochs, with a tqdm-like progress bar on stderr (when it is a terminal),
/// the tutorial's per-epoch lines on stdout, and a summary.
struct HeadlessRun {
    let config: LabConfig
    let recordPath: String?
    let quiet: Bool
    var savePath: String? = nil
    /// The checkpoint to continue from (`--load`, checked by RunCommand).
    var checkpoint: LoadedCheckpoint? = nil
    /// The recording is gradlab's own (`--plot` without `--record`): not announced.
    var recordingIsTemporary = false

    /// Returns the process exit code (130 after Ctrl-C, 143 after SIGTERM, 129 after SIGHUP, 131 after SIGQUIT).
    func run() async throws(GradlabError) -> Int32 {
        // Set-up (allocating the points, reading data) may take long; until the
        // flag exists a signal ends the process at once, as nothing is written yet.
        let session = try Session(config: config, streaming: false)
        if let checkpoint { try await session.restore(checkpoint) }
        // What runs, as the recording will say: the checkpoint's optimizer when it resumes one.
        let config = await session.config
        if savePath != nil, config.compare != nil { throw GradlabError("--save cannot be combined with --compare") }
        // A checkpoint that cannot be written is said before the run, not after it.
        if let savePath {
            do { try Checkpoint.checkWritable(path: savePath) } catch { throw GradlabError("--save " + error.message) }
        }
        let signals = SignalFlag()
        let firstEpoch = await session.epoch
        // A resumed checkpoint's epoch plus --epochs must still be an epoch (it trapped).
        let (lastEpoch, overflow) = firstEpoch.addingReportingOverflow(config.epochs)
        if overflow {
            throw GradlabError("--epochs \(config.epochs): the checkpoint is at epoch \(firstEpoch), so the run would end past epoch \(Int.max)")
        }
        let recorder: Recorder?
        if let recordPath {
            let made = try Recorder(path: recordPath, config: config)
            await session.attach(made)
            recorder = made
        } else {
            recorder = nil
        }
        let table = EpochTable(lab: config.lab, total: lastEpoch, first: firstEpoch, quiet: quiet, dtype: config.dtype)
        let progress = ProgressBar(total: config.epochs, offset: firstEpoch)
        await session.attach(EpochPrinter(table: table, progress: progress))
        let start = await session.start()
        if let warning = Curvature.startWarning(config: config, start: start, dataset: await session.dataset) {
            writeError("gradlab: \(warning)\n")
        }

        var batch = 1
        var status = "completed"
        while await session.epoch < lastEpoch {
            if let number = signals.signal {
                status = "interrupted"
                progress.clear()
                writeError("gradlab: stopped by \(number == SIGINT ? "SIGINT (Ctrl-C)" : "signal \(number)") at epoch \(await session.epoch)\n")
                break
            }
            let started = ContinuousClock.now
            let remaining = lastEpoch - (await session.epoch)
            // A failed write stops the run at that epoch, not at the batch's end.
            await session.step(min(batch, remaining)) { recorder?.failure != nil }
            if recorder?.failure != nil { break }
            if await session.isDiverged {
                status = "diverged"
                break
            }
            // Grow batches while they are short, so tiny labs are not
            // dominated by actor hops yet a signal is noticed within ~20 ms.
            if ContinuousClock.now - started < .milliseconds(20) { batch = min(batch * 2, 1 << 16) }
        }
        progress.clear()
        await session.finish(status: status)
        if let savePath {
            let state = try await session.checkpoint()
            try Checkpoint.save(params: state.params, dtype: config.dtype, lab: config.lab, epoch: state.epoch,
                                optimizer: state.optimizer, function: LandscapeFunction(await session.config), path: savePath)
        }
        let summary = Summary(config: await session.config, device: await session.device,
                              last: await session.latest, status: status, recordPath: recordingIsTemporary ? nil : recorder?.path, savePath: savePath)
        if let failure = recorder?.failure {
            // Never "recorded" over a file that lost epochs.
            print(Summary(config: await session.config, device: await session.device, last: await session.latest,
                          status: "stopped", recordPath: nil, savePath: savePath).text, terminator: "")
            writeError("gradlab: \(failure)\n")
            return 1
        }
        print(summary.text, terminator: "")
        if let failure = await session.failure {
            writeError("gradlab: \(failure)\n")
            return 1
        }
        switch signals.signal {
        case SIGINT?: return 130
        case SIGTERM?: return 143
        case let other?: return 128 + other
        case nil: return 0
        }
    }
}
