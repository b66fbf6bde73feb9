import FuzzTargets

#if !FUZZING
/// Without the fuzzing flags this executable replays files: `FuzzRoundTrip FILE...`.
@main struct Replay {
    static func main() { FileReplay.main(.roundtrip) }
}
#endif
