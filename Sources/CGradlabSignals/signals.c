#include "gradlab_signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define SIGNAL_SLOTS 65

static atomic_int installed;
static atomic_int deferDepth;
static atomic_int pending[SIGNAL_SLOTS];
static atomic_int lastStop;

static atomic_int terminalActive;
static struct termios savedModes;
static int savedModesValid;
static char restoreSequence[256];
static atomic_int restoreLength;

static struct sigaction previous[SIGNAL_SLOTS];

static atomic_int suspendCaught;
static atomic_int suspendPending;

static atomic_int continueCaught;
static atomic_int continuePending;

static const int stopSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static const int crashSignals[] = {SIGSEGV, SIGILL, SIGABRT, SIGBUS, SIGFPE, SIGTRAP};

static void writeAll(int fd, const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t written = write(fd, bytes, count);
        if (written <= 0) return;
        bytes += written;
        count -= (size_t)written;
    }
}

/// Async-signal-safe: write(2) and tcsetattr(3) only.
static void restoreTerminal(void) {
    if (!atomic_exchange(&terminalActive, 0)) return;
    int length = atomic_load(&restoreLength);
    if (length > 0) writeAll(STDOUT_FILENO, restoreSequence, (size_t)length);
    if (savedModesValid) tcsetattr(STDIN_FILENO, TCSANOW, &savedModes);
}

static void onStop(int number) {
    if (number <= 0 || number >= SIGNAL_SLOTS) return;
    // The first stop signal of a run is counted (the loop finishes the
    // epoch in progress, then its files); a second one, while the first is
    // still being acted on (an epoch of a billion points takes minutes),
    // ends the process at once.
    int seen = atomic_exchange(&lastStop, number);
    if (atomic_load(&deferDepth) > 0 && seen == 0) {
        atomic_fetch_add(&pending[number], 1);
        return;
    }
    restoreTerminal();
    char message[] = "gradlab: stopped by signal NN before the run started\n";
    if (seen != 0) {
        char again[] = "gradlab: stopped at once by a second signal NN (files may be cut short)\n";
        char *at = strstr(again, "NN");
        at[0] = (char)('0' + number / 10);
        at[1] = (char)('0' + number % 10);
        writeAll(STDERR_FILENO, again, sizeof again - 1);
        _exit(128 + number);
    }
    char *digits = strstr(message, "NN");
    digits[0] = (char)('0' + number / 10);
    digits[1] = (char)('0' + number % 10);
    writeAll(STDERR_FILENO, message, sizeof message - 1);
    _exit(128 + number);
}

static void onCrash(int number, siginfo_t *info, void *context) {
    restoreTerminal();
    if (number > 0 && number < SIGNAL_SLOTS) {
        struct sigaction *old = &previous[number];
        if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction != NULL) {
            // The Swift runtime's backtracer, now on a normal screen.
            sigaction(number, old, NULL);
            old->sa_sigaction(number, info, context);
        } else if (!(old->sa_flags & SA_SIGINFO) && old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
            sigaction(number, old, NULL);
            old->sa_handler(number);
        }
    }
    // Whatever the handler before did, the process ends here with the
    // signal's default action (a signal sent by kill would otherwise return
    // into the program).
    signal(number, SIG_DFL);
    raise(number);
}

/// SIGTSTP while the full-screen interface is up: only recorded; the UI
/// thread leaves full-screen mode and stops the process (gradlab_suspend_now).
static void onSuspend(int number) {
    (void)number;
    atomic_store(&suspendPending, 1);
}

/// SIGCONT while the full-screen interface is up: only recorded; the UI
/// thread takes the terminal's modes again and repaints the whole frame.
static void onContinue(int number) {
    (void)number;
    atomic_store(&continuePending, 1);
}

static void setSuspendAction(void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = handler;
    action.sa_flags = handler == SIG_DFL ? 0 : SA_RESTART;
    sigaction(SIGTSTP, &action, NULL);
}

void gradlab_signals_install(void) {
    if (atomic_exchange(&installed, 1)) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof stopSignals / sizeof stopSignals[0]; i++) sigaddset(&action.sa_mask, stopSignals[i]);
    action.sa_handler = onStop;
    action.sa_flags = SA_RESTART;
    for (size_t i = 0; i < sizeof stopSignals / sizeof stopSignals[0]; i++) sigaction(stopSignals[i], &action, NULL);

    struct sigaction crash;
    memset(&crash, 0, sizeof crash);
    sigemptyset(&crash.sa_mask);
    crash.sa_sigaction = onCrash;
    crash.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    for (size_t i = 0; i < sizeof crashSignals / sizeof crashSignals[0]; i++) {
        int number = crashSignals[i];
        sigaction(number, &crash, &previous[number]);
    }
}

void gradlab_signals_defer(void) { atomic_fetch_add(&deferDepth, 1); }

void gradlab_signals_undefer(void) {
    if (atomic_fetch_sub(&deferDepth, 1) <= 0) atomic_store(&deferDepth, 0);
}

int gradlab_signals_take(void) {
    for (int number = 1; number < SIGNAL_SLOTS; number++) {
        int count = atomic_load(&pending[number]);
        while (count > 0) {
            if (atomic_compare_exchange_weak(&pending[number], &count, count - 1)) return number;
        }
    }
    return 0;
}

int gradlab_signals_last(void) { return atomic_load(&lastStop); }

void gradlab_terminal_sequence(const char *sequence) {
    // Shorten first so a handler never reads a half-copied tail.
    atomic_store(&restoreLength, 0);
    size_t length = sequence ? strlen(sequence) : 0;
    if (length > sizeof restoreSequence) length = sizeof restoreSequence;
    if (length > 0) memcpy(restoreSequence, sequence, length);
    atomic_store(&restoreLength, (int)length);
}

void gradlab_terminal_taken(const char *sequence) {
    savedModesValid = tcgetattr(STDIN_FILENO, &savedModes) == 0;
    gradlab_terminal_sequence(sequence);
    atomic_store(&terminalActive, 1);
}

void gradlab_terminal_given_back(void) { atomic_store(&terminalActive, 0); }

int gradlab_suspend_catch(void) {
    struct sigaction current;
    // Ignored by whoever started us (no job control there): left so.
    if (sigaction(SIGTSTP, NULL, &current) == 0 && !(current.sa_flags & SA_SIGINFO)
        && current.sa_handler == SIG_IGN) return 0;
    atomic_store(&suspendPending, 0);
    atomic_store(&suspendCaught, 1);
    setSuspendAction(onSuspend);
    return 1;
}

int gradlab_suspend_release(void) {
    if (!atomic_exchange(&suspendCaught, 0)) return 0;
    setSuspendAction(SIG_DFL);
    return atomic_exchange(&suspendPending, 0);
}

int gradlab_suspend_take(void) { return atomic_exchange(&suspendPending, 0); }

void gradlab_suspend_now(void) {
    int caught = atomic_load(&suspendCaught);
    // The default action, so the signal below stops the process instead of
    // coming back to onSuspend.
    setSuspendAction(SIG_DFL);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTSTP);
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    // The whole process group, as the terminal's own Ctrl-Z: a parent in the
    // same job (`swift run`) stops too, and the shell gets the terminal.
    kill(0, SIGTSTP);
    // Here after SIGCONT (fg or bg); the caller takes the terminal again and
    // repaints, so the SIGCONT that got us here asks for nothing more.
    atomic_store(&continuePending, 0);
    if (caught) {
        // A SIGTSTP recorded while this suspension was under way asked for
        // the same stop: it must not stop the process again right after fg.
        atomic_store(&suspendPending, 0);
        setSuspendAction(onSuspend);
    }
}

void gradlab_continue_catch(void) {
    atomic_store(&continuePending, 0);
    if (atomic_exchange(&continueCaught, 1)) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = onContinue;
    action.sa_flags = SA_RESTART;
    sigaction(SIGCONT, &action, NULL);
}

void gradlab_continue_release(void) {
    if (!atomic_exchange(&continueCaught, 0)) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = SIG_DFL;
    sigaction(SIGCONT, &action, NULL);
    atomic_store(&continuePending, 0);
}

int gradlab_continue_take(void) { return atomic_exchange(&continuePending, 0); }
