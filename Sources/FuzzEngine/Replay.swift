import FuzzTargets

#if !FUZZING
/// Without the fuzzing flags this executable replays files: `FuzzEngine FILE...`.
@main struct Replay {
    static func main() { FileReplay.main(.engine) }
}
#endif
