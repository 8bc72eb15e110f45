

def test_a_table_of_rows_already_read_takes_its_headers_from_the_model(school):
    """Detail pages pass lists (rows read once for several uses): the headers are still the
    model fields' names, translated, not the attribute names."""
    import django_tables2 as tables
    from django.utils import translation

    from houqin.core.tables import BaseTable
    from houqin.org.models import Room

    class RoomTable(BaseTable):
        number = tables.Column(orderable=False)

        class Meta(BaseTable.Meta):
            model = Room
            fields = ("number",)

    with translation.override("zh-hans"):
        header = str(RoomTable([]).columns["number"].header)
        expected = str(Room._meta.get_field("number").verbose_name)
    assert header == expected[0].upper() + expected[1:]
    assert header != "Number"
