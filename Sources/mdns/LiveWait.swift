import MDNS
import Synchronization

/// When a live command stops: Ctrl-C / SIGTERM, `--timeout`, or (for `-t`) once the initial
/// answers are in: `quiet` with no new event, and at least `settle` after the start.
struct StopCondition: Sendable {
    var timeout: Duration?
    var quiet: Duration?
    var settle: Duration = .milliseconds(1500)

    /// Returns why it stopped. Each condition is its own task; the first to fire wins and the
    /// others are cancelled (the signal wait cannot be, so it is never awaited).
    func wait(_ activity: Activity) async -> StopReason {
        let first = FirstOf()
        let r: StopReason = await withCheckedContinuation { c in
            first.set(c)
            first.add(Task { await Signals.wait(); first.fire(.signal) })
            if let timeout { first.add(Task { try? await Task.sleep(for: timeout); if !Task.isCancelled { first.fire(.timeout) } }) }
            if let quiet {
                first.add(Task { [settle] in
                    let start = ContinuousClock.now
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(100))
                        let now = ContinuousClock.now
                        if now - start >= settle, now - activity.last >= quiet { first.fire(.quiet); return }
                    }
                })
            }
            first.add(Task { await activity.waitDone(); if !Task.isCancelled { first.fire(.done) } })
        }
        first.cancelAll()
        return r
    }
}

/// Resumes one continuation with the first reason fired.
final class FirstOf: Sendable {
    private let state = Mutex<(c: CheckedContinuation<StopReason, Never>?, tasks: [Task<Void, Never>])>((nil, []))
    func set(_ c: CheckedContinuation<StopReason, Never>) { state.withLock { $0.c = c } }
    func add(_ t: Task<Void, Never>) { state.withLock { $0.tasks.append(t) } }
    func fire(_ r: StopReason) { state.withLock { s in s.c?.resume(returning: r); s.c = nil } }
    func cancelAll() { for t in state.withLock({ $0.tasks }) { t.cancel() } }
}

enum StopReason: Sendable { case signal, timeout, quiet, done }

/// The last time a command saw an event, and whether it has what it came for.
final class Activity: Sendable {
    private let state = Mutex<(last: ContinuousClock.Instant, done: Bool, waiters: [CheckedContinuation<Void, Never>])>((.now, false, []))
    var last: ContinuousClock.Instant { state.withLock { $0.last } }
    func touch() { state.withLock { $0.last = .now } }
    var isDone: Bool { state.withLock { $0.done } }

    /// The command has its answer (resolve, lookup): the wait ends.
    func finish() {
        let w = state.withLock { s in
            s.done = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for c in w { c.resume() }
    }

    func waitDone() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if s.done { return true }
                    s.waiters.append(c)
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            // Ends a pending wait without marking done.
            let w = state.withLock { s in defer { s.waiters = [] }; return s.waiters }
            for c in w { c.resume() }
        }
    }
}

extension Double {
    var seconds: Duration { .milliseconds(Int64(self * 1000)) }
}
