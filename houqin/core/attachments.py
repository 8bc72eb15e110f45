"""Uploads checked by their content, never by their name, and thumbnails for photos.

``validate_upload(f)`` sniffs the bytes (``filetype``), opens Office files to see what they
really are, verifies images with Pillow, and returns what to store; anything else raises
``InvalidUpload`` with a message for the user. Photos get a JPEG thumbnail (at most 320 px,
EXIF orientation applied) so phones do not download full-size pictures in a timeline.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from houqin.core.errors import DomainError

THUMBNAIL_MAX_PX = 320

# Detected content type → the extension stored on disk.
ALLOWED = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "text/plain": "txt",
    "text/csv": "csv",
}
# Images Pillow can open, verify and thumbnail (HEIC is kept as a file: no decoder here).
PILLOW_IMAGES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
PHOTO_TYPES = PILLOW_IMAGES | {"image/heic"}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in an OLE directory (UTF-16LE) that say what an old Office file holds.
_OLE_STREAMS = {
    "application/msword": ("WordDocument".encode("utf-16-le"),),
    "application/vnd.ms-excel": ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le")),
}
_TEXT_EXTENSIONS = {"txt": "text/plain", "csv": "text/csv"}
_EXIF_ORIENTATION = 0x0112
# Orientations 5-8 turn the picture by 90°: width and height swap when shown.
_ROTATED_ORIENTATIONS = {5, 6, 7, 8}


class InvalidUpload(DomainError):
    default_message = _("This file cannot be uploaded.")


@dataclass(frozen=True)
class UploadInfo:
    content_type: str
    extension: str
    size: int
    is_image: bool
    width: int | None = None
    height: int | None = None


def extension_for(content_type: str) -> str:
    return ALLOWED.get(content_type, "")


def _read_all(f) -> bytes:
    f.seek(0)
    data = f.read()
    f.seek(0)
    return data


def _name_extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _sniff(data: bytes, name: str) -> str | None:
    """The real content type of ``data``, or None when it is nothing we accept."""
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime in {"application/zip"} | {m for m in ALLOWED if "openxmlformats" in m}:
        return _sniff_office_zip(data)
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data)
    if mime is not None:
        return mime if mime in ALLOWED else None
    return _sniff_text(data, name)


def _sniff_office_zip(data: bytes) -> str | None:
    # A .docx or .xlsx is a zip; look inside rather than trust a renamed archive.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _sniff_ole(data: bytes) -> str | None:
    for mime, streams in _OLE_STREAMS.items():
        if any(stream in data for stream in streams):
            return mime
    return None


def _sniff_text(data: bytes, name: str) -> str | None:
    ext = _name_extension(name)
    if ext not in _TEXT_EXTENSIONS or b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _TEXT_EXTENSIONS[ext]
    return None


def _describe_refusal(data: bytes, name: str):
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return _(
            "“%(name)s” is really a %(kind)s file, which cannot be uploaded. "
            "Allowed: photos (JPEG, PNG, WebP, GIF, HEIC), PDF, Word, Excel, text and CSV."
        ) % {"name": name, "kind": kind.extension.upper()}
    return _(
        "“%(name)s” is not a file type that can be uploaded. "
        "Allowed: photos (JPEG, PNG, WebP, GIF, HEIC), PDF, Word, Excel, text and CSV."
    ) % {"name": name}


def validate_upload(f) -> UploadInfo:
    """Check one uploaded file by its content and size; raise ``InvalidUpload`` if refused."""
    name = getattr(f, "name", "") or "file"
    limit = settings.HOUQIN_MAX_ATTACHMENT_BYTES
    size = f.size if getattr(f, "size", None) is not None else len(_read_all(f))
    if size > limit:
        raise InvalidUpload(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise InvalidUpload(_("“%(name)s” is empty.") % {"name": name})
    data = _read_all(f)
    content_type = _sniff(data, name)
    if content_type is None:
        raise InvalidUpload(_describe_refusal(data, name))
    width = height = None
    if content_type in PILLOW_IMAGES:
        width, height = _verify_image(data, name)
    return UploadInfo(
        content_type=content_type,
        extension=ALLOWED[content_type],
        size=size,
        is_image=content_type in PHOTO_TYPES,
        width=width,
        height=height,
    )


def _verify_image(data: bytes, name: str) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        # verify() leaves the image unusable; reopen to read the size as the photo is shown.
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.getexif().get(_EXIF_ORIENTATION) in _ROTATED_ORIENTATIONS:
                width, height = height, width
            return width, height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidUpload(
            _("“%(name)s” looks like a photo but is damaged or incomplete.") % {"name": name}
        ) from None


def make_thumbnail(f) -> ContentFile | None:
    """A JPEG at most 320 px on its longer side, turned upright by its EXIF orientation."""
    data = _read_all(f)
    try:
        with Image.open(io.BytesIO(data)) as image:
            # JPEG decodes straight to a reduced scale: a 48-megapixel photo stays cheap.
            image.draft("RGB", (THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX))
            image = ImageOps.exif_transpose(image)
            image.thumbnail((THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX))
            if image.mode not in ("RGB", "L"):
                image = _flatten(image)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=80, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return ContentFile(out.getvalue(), name="thumb.jpg")


def _flatten(image: Image.Image) -> Image.Image:
    # Transparent PNG/GIF/WebP: put them on white, JPEG has no alpha.
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
