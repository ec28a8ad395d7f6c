"""The progress bar every long-running command shows."""
import io
import threading

from simpul_common.progress import Progress


def test_it_draws_the_share_done_and_ends_with_a_newline():
    out = io.StringIO()
    bar = Progress(4, "laporan", out, width=8)
    bar.advance(2)
    bar.advance(2)
    bar.close()
    text = out.getvalue()
    assert text.startswith("\r[........] 0/4 laporan")
    assert "\r[########] 4/4 laporan" in text and text.endswith("\n")


def test_advances_from_several_threads_all_count():
    out = io.StringIO()
    bar = Progress(400, "kasus", out)
    threads = [threading.Thread(target=lambda: [bar.advance() for _ in range(100)])
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bar.finish()
    assert bar.done == 400 and "400/400 kasus" in out.getvalue()


def test_an_update_may_change_the_total():
    out = io.StringIO()
    bar = Progress(10, "peristiwa", out, width=10)
    bar.update(5, total=20)
    bar.update(20)
    assert "\r[##########] 20/20 peristiwa" in out.getvalue()
