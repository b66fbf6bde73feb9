import FuzzTargets

#if !FUZZING
/// Without the fuzzing flags this executable replays files: `FuzzDecode FILE...`.
@main struct Replay {
    static func main() { FileReplay.main(.decode) }
}
#endif
