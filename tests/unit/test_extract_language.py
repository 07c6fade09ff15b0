"""Article language: the page's declaration wins; otherwise py3langid reads the text. Always an
ISO 639-1 code, or "" when unsure. The passages are written for these tests."""

from __future__ import annotations

import pytest

from bot.extract import extract_article
from bot.extract.language import detect_language, normalize

PASSAGES = {
    "en": "The village library reopened this week after a long renovation. Volunteers carried "
          "thousands of books back onto the new shelves, and children were the first to borrow.",
    "de": "Die Bibliothek im Dorf hat nach einer langen Renovierung wieder geöffnet. Freiwillige "
          "haben tausende Bücher in die neuen Regale gestellt, und die Kinder durften zuerst "
          "ausleihen.",
    "fr": "La bibliothèque du village a rouvert cette semaine après de longs travaux. Des "
          "bénévoles ont rangé des milliers de livres sur les nouvelles étagères, et les "
          "enfants ont été les premiers à emprunter.",
    "es": "La biblioteca del pueblo volvió a abrir esta semana tras una larga reforma. Los "
          "voluntarios colocaron miles de libros en las estanterías nuevas y los niños fueron los "
          "primeros en llevarse alguno.",
    "pt": "A biblioteca da aldeia voltou a abrir esta semana depois de uma longa reforma. Os "
          "voluntários arrumaram milhares de livros nas novas estantes e as crianças foram as "
          "primeiras a levar livros para casa.",
    "it": "La biblioteca del paese ha riaperto questa settimana dopo una lunga ristrutturazione. "
          "I volontari hanno sistemato migliaia di libri sui nuovi scaffali e i bambini sono stati "
          "i primi a prenderli in prestito.",
    "nl": "De dorpsbibliotheek is deze week na een lange verbouwing weer opengegaan. Vrijwilligers "
          "zetten duizenden boeken in de nieuwe kasten en de kinderen mochten als eersten lenen.",
    "da": "Landsbyens bibliotek er åbnet igen i denne uge efter en lang ombygning. Frivillige bar "
          "tusindvis af bøger ind på de nye hylder, og børnene var de første, der fik lov til at "
          "låne.",
    "sv": "Byns bibliotek öppnade igen den här veckan efter en lång renovering. Frivilliga bar "
          "tusentals böcker till de nya hyllorna, och barnen var de första som fick låna.",
    "no": "Bygdas bibliotek åpnet igjen denne uken etter en lang oppussing. Frivillige bar "
          "tusenvis av bøker inn i de nye hyllene, og barna var de første som fikk låne.",
    "fi": "Kylän kirjasto avattiin tällä viikolla uudelleen pitkän remontin jälkeen. "
          "Vapaaehtoiset kantoivat tuhansia kirjoja uusiin hyllyihin, ja lapset saivat lainata "
          "ensimmäisinä.",
    "cs": "Vesnická knihovna se tento týden po dlouhé rekonstrukci znovu otevřela. Dobrovolníci "
          "přenesli tisíce knih do nových regálů a děti si mohly půjčovat jako první.",
    "pl": "Wiejska biblioteka została w tym tygodniu ponownie otwarta po długim remoncie. "
          "Wolontariusze przenieśli tysiące książek na nowe półki, a dzieci jako pierwsze mogły "
          "je wypożyczyć.",
    "hu": "A falusi könyvtár ezen a héten egy hosszú felújítás után újra kinyitott. Önkéntesek "
          "több ezer könyvet hordtak az új polcokra, és a gyerekek kölcsönözhettek elsőként.",
    "ro": "Biblioteca satului s-a redeschis săptămâna aceasta după o renovare lungă. Voluntarii "
          "au așezat mii de cărți pe rafturile noi, iar copiii au fost primii care au împrumutat.",
    "tr": "Köy kütüphanesi uzun bir tadilatın ardından bu hafta yeniden açıldı. Gönüllüler "
          "binlerce kitabı yeni raflara taşıdı ve ilk kitapları çocuklar ödünç aldı.",
    "ru": "Сельская библиотека открылась на этой неделе после долгого ремонта. Волонтёры "
          "расставили тысячи книг на новые полки, и первыми книги взяли дети.",
    "uk": "Сільська бібліотека знову відкрилася цього тижня після довгого ремонту. Волонтери "
          "розставили тисячі книжок на нові полиці, і першими їх позичили діти.",
    "el": "Η βιβλιοθήκη του χωριού άνοιξε ξανά αυτή την εβδομάδα μετά από μεγάλη ανακαίνιση. "
          "Εθελοντές τοποθέτησαν χιλιάδες βιβλία στα νέα ράφια και τα παιδιά δανείστηκαν πρώτα.",
    "ja": "村の図書館は長い改修工事を終えて、今週ふたたび開館しました。ボランティアが新しい本棚に"
          "何千冊もの本を並べ、最初に本を借りたのは子どもたちでした。",
    "zh": "村里的图书馆经过长时间的翻修，本周重新开放。志愿者把数千本书搬上了新书架，孩子们是第一批"
          "借书的人。",
    "ko": "마을 도서관이 오랜 보수 공사를 마치고 이번 주에 다시 문을 열었습니다. 자원봉사자들이 "
          "새 책장에 수천 권의 책을 꽂았고, 아이들이 가장 먼저 책을 빌렸습니다.",
    "ar": "أعيد افتتاح مكتبة القرية هذا الأسبوع بعد تجديد طويل. ونقل المتطوعون آلاف الكتب إلى "
          "الرفوف الجديدة، وكان الأطفال أول من استعار منها.",
    "id": "Perpustakaan desa dibuka kembali minggu ini setelah renovasi yang panjang. Para "
          "relawan memindahkan ribuan buku ke rak yang baru, dan anak-anak menjadi yang pertama "
          "meminjam.",
    "vi": "Thư viện của làng đã mở cửa trở lại trong tuần này sau một thời gian dài sửa chữa. "
          "Các tình nguyện viên đã xếp hàng nghìn cuốn sách lên những giá mới và trẻ em là những "
          "người đầu tiên được mượn.",
}


def page(text: str, html_attrs: str = "", head: str = "") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for _ in range(3))
    return (f"<!doctype html><html{html_attrs}><head><title>Library</title>{head}</head>"
            f"<body><article>{paragraphs}</article></body></html>")


@pytest.mark.parametrize(("code", "text"), sorted(PASSAGES.items()))
def test_each_language_is_recognised(code: str, text: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("code", ["da", "sv", "no", "cs", "pt", "fi"])
def test_an_undeclared_page_gets_the_detected_language(code: str) -> None:
    got = extract_article(page(PASSAGES[code]), "https://lib.test/a")
    assert got.language == code


@pytest.mark.parametrize(("attrs", "head", "expected"), [
    (" lang='da-DK'", "", "da"),
    (" lang='nb'", "", "no"),
    ("", "<meta http-equiv='content-language' content='cs, en'>", "cs"),
    ("", "<meta property='og:locale' content='pt_BR'>", "pt"),
    (" lang='FI'", "", "fi"),
])
def test_a_declared_language_wins_over_the_text(attrs: str, head: str, expected: str) -> None:
    # the text is Swedish each time: the publisher's declaration is what counts
    got = extract_article(page(PASSAGES["sv"], attrs, head), "https://lib.test/b")
    assert got.language == expected


def test_an_unusable_declaration_falls_back_to_detection() -> None:
    got = extract_article(page(PASSAGES["fi"], " lang='x-default'"), "https://lib.test/c")
    assert got.language == "fi"


@pytest.mark.parametrize(("raw", "expected"), [
    ("pt-BR", "pt"), ("da_DK", "da"), ("EN", "en"), ("deu", "de"), ("iw", "he"),
    ("nb-NO", "no"), ("zh-Hant-TW", "zh"), ("x-default", ""), ("zz", ""), ("", ""),
    ("english", ""),
])
def test_codes_are_normalized_to_iso_639_1(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_too_little_text_gets_no_guess() -> None:
    assert detect_language("OK") == ""
    assert detect_language("12 345 678 — 9") == ""
    assert detect_language("") == ""
