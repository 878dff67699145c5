#ifndef GRADLAB_SIGNALS_H
#define GRADLAB_SIGNALS_H

/// Signal handling that cannot lose a signal and restores the terminal on
/// every way out. Installed first thing in main (before any set-up), with
/// plain sigaction handlers that only touch atomics and make
/// async-signal-safe calls (write, tcsetattr, _exit, raise).
///
/// Stop signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT):
///  - while no run is under way (set-up: allocating points, reading data)
///    the process exits at once with 128 + the signal, restoring the
///    terminal first when it is ours: nothing has been written yet;
///  - once a run loop polls (gradlab_signals_defer was called), the signal
///    is counted and the loop stops between epochs, finishing its files;
///    a second stop signal after the first ends the process at once.
///
/// Crash signals (SIGSEGV, SIGILL, SIGABRT, SIGBUS, SIGFPE, SIGTRAP): the
/// terminal is restored, then the handler that was there before (the Swift
/// runtime's backtracer) runs, or the default action.

/// SIGTSTP (a `kill -TSTP`, or Ctrl-Z where the terminal sends it as a
/// signal) while the full-screen interface is up: the handler only records
/// it; the UI thread takes it (gradlab_suspend_take), leaves full-screen
/// mode, stops the process (gradlab_suspend_now), and once continued (fg)
/// takes the terminal again and repaints. Outside the interface SIGTSTP has
/// its default action (a headless run just stops).

/// Installs the handlers (idempotent).
void gradlab_signals_install(void);

/// Stop signals are counted for polling from now on (nests).
void gradlab_signals_defer(void);
/// Undoes one gradlab_signals_defer: at zero, stop signals exit at once again.
void gradlab_signals_undefer(void);

/// Takes one pending stop signal, oldest number first; 0 when none.
int gradlab_signals_take(void);
/// The last stop signal received (not consumed by take); 0 when none.
int gradlab_signals_last(void);

/// Remembers the terminal's modes (before curses changes them) and the
/// escape sequence that leaves full-screen mode; from now on every way out
/// restores them. `sequence` is copied (up to 255 bytes).
void gradlab_terminal_taken(const char *sequence);
/// Replaces the escape sequence (once terminfo knows better).
void gradlab_terminal_sequence(const char *sequence);
/// The terminal was given back in the ordinary way.
void gradlab_terminal_given_back(void);

/// Catches SIGTSTP from now on (recorded for gradlab_suspend_take). Call
/// before ncurses starts: ncurses installs its own handler only where the
/// action is the default one, and that handler repaints ncurses' screen,
/// not gradlab's. Returns 1, or 0 when SIGTSTP is ignored (whoever started
/// gradlab has no job control): it is left ignored, and gradlab cannot be
/// suspended.
int gradlab_suspend_catch(void);
/// SIGTSTP has its default action again; returns 1 when one was recorded
/// and not taken (the caller then stops, the terminal given back).
int gradlab_suspend_release(void);
/// Takes the SIGTSTP recorded since the last call: 1, or 0 when none.
int gradlab_suspend_take(void);
/// Stops the process group with SIGTSTP's default action, as the terminal's
/// Ctrl-Z does, and returns once it is continued (SIGCONT: fg or bg); then
/// catches SIGTSTP again if it was caught before. The terminal must have
/// been given back first.
void gradlab_suspend_now(void);

/// SIGCONT (the process was stopped by something it did not catch, a
/// `kill -STOP`, and is continued: `kill -CONT`, or the shell's fg) while
/// the full-screen interface is up: recorded for gradlab_continue_take; the
/// UI thread then takes the terminal's modes again and repaints the whole
/// frame, as whatever ran meanwhile may have drawn over it. The signal's
/// default action (continuing) happens whatever the handler.
///
/// Catches SIGCONT from now on (idempotent); anything recorded before is dropped.
void gradlab_continue_catch(void);
/// SIGCONT has its default action again.
void gradlab_continue_release(void);
/// Takes the SIGCONT recorded since the last call: 1, or 0 when none.
int gradlab_continue_take(void);

#endif
