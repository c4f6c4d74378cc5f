"""StreamField blocks for lessons. Every block has a template in
`templates/blocks/`; together they keep a lesson page light enough for slow,
metered mobile data: images are lazy WebP renditions, media never preload or
autoplay, and embeds are links rather than third-party iframes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=120)
    size = blocks.ChoiceBlock(
        label=_("Size"),
        choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading_block.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("Alt text"),
        max_length=250,
        help_text=_(
            "Describe what the picture shows for people who cannot see it, "
            "e.g. 'Gula aren cetak di atas daun pisang'."
        ),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    url = blocks.URLBlock(
        label=_("Video link"),
        required=False,
        help_text=_("A YouTube or other link. Shown as a link, never autoplayed."),
    )
    file = DocumentChooserBlock(
        label=_("Video file"),
        required=False,
        help_text=_("An MP4 file. Keep it small: trainees pay for their data."),
    )
    duration = blocks.CharBlock(
        label=_("Duration"), required=False, max_length=20, help_text=_("e.g. 3:20")
    )
    transcript = blocks.RichTextBlock(
        label=_("Transcript or summary"),
        features=RICH_FEATURES,
        help_text=_("Required: for trainees who cannot hear or cannot stream."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("url") and not value.get("file"):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Give a link or a file."))}
            )
        return value


class AudioBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    file = DocumentChooserBlock(label=_("Audio file"), help_text=_("MP3 or OGG."))
    transcript = blocks.RichTextBlock(
        label=_("Transcript"), features=RICH_FEATURES, required=False
    )

    class Meta:
        icon = "media"
        label = _("Audio narration")
        template = "blocks/audio_block.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"), choices=[("tip", _("Tip")), ("warning", _("Warning"))]
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Tip or warning")
        template = "blocks/callout_block.html"


class BeforeAfterBlock(blocks.StructBlock):
    context = blocks.CharBlock(
        label=_("Situation"),
        required=False,
        max_length=200,
        help_text=_("e.g. 'Caption for gula aren on Facebook'"),
    )
    before = blocks.TextBlock(label=_("Weak version"))
    after = blocks.TextBlock(label=_("Strong version"))
    explanation = blocks.TextBlock(label=_("Why the strong version works"))

    class Meta:
        icon = "doc-full"
        label = _("Before and after")
        template = "blocks/before_after_block.html"


class FormulaPartBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Part"), max_length=80)
    text = blocks.TextBlock(label=_("What it means"))
    example = blocks.TextBlock(label=_("Example"), required=False)


class FormulaBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Formula name"), max_length=80)
    parts = blocks.ListBlock(FormulaPartBlock(), label=_("Parts"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Formula breakdown")
        template = "blocks/formula_block.html"
        help_text = _("A formula such as AIDA or PAS, part by part.")


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    items = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("Items"))

    class Meta:
        icon = "tick"
        label = _("Checklist")
        template = "blocks/checklist_block.html"


class WorksheetBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "download"
        label = _("Worksheet to download")
        template = "blocks/worksheet_block.html"


class ProductBlock(blocks.StructBlock):
    product = SnippetChooserBlock("content.PracticeProduct", label=_("Product"))

    class Meta:
        icon = "pick"
        label = _("Practice product")
        template = "blocks/product_block.html"


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        features=RICH_FEATURES,
        icon="pilcrow",
        template="blocks/paragraph_block.html",
    )
    heading = HeadingBlock()
    image = ImageBlock()
    video = VideoBlock()
    audio = AudioBlock()
    callout = CalloutBlock()
    before_after = BeforeAfterBlock()
    formula = FormulaBlock()
    checklist = ChecklistBlock()
    worksheet = WorksheetBlock()
    product = ProductBlock()
