"""The suggestion vocabulary (DESIGN.md): each target, its type, and the headers export formats use for it.

Spellings come from the product CSVs of Shopify (old and 2023+ layouts), WooCommerce, BigCommerce,
Magento 2, PrestaShop, Akeneo, Amazon flat files, Google Merchant Center feeds, Shopware 6, Spree,
Medusa, Vendure, Odoo and ikas (Turkish headers). They are written as the formats spell them and
normalised with the header parser, so "Variant Inventory Qty" and "variant_inventory_qty" are one entry.

A spelling's strength (0..1) ranks columns competing for one target. Choices worth knowing:
- Shopify `Handle`, WooCommerce `ID`, PrestaShop `Product ID` are weak sku spellings: the product
  or database key, the sku only when the file has no SKU column (Shopify's is `Variant SKU`).
- The regular price is `price`. A sale price (WooCommerce `Sale price`, GMC `sale_price`) is the
  temporary lower price, so it is neither `price` nor `compare_at_price` (the higher reference
  price): it keeps a derived name, unless it is the file's only price (the API reference's example).
  MSRP / list / retail price (Amazon `list_price`, BigCommerce `Retail Price`) is compare_at_price.
- Plural image columns (WooCommerce `Images`, PrestaShop `Image URLs (x,y,z...)`) hold lists, so
  they are additional_image_urls; a single image column is image_url, unless most of its values
  hold several URLs (ikas `Resim URL`): matching.py then suggests additional_image_urls.
- Magento `product_online` is its status attribute (1 enabled, 2 disabled): status, not the boolean
  published, so that 2 is not a row error. Akeneo `enabled` and PrestaShop `Active (0/1)` are 1/0: published.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from pim_api.imports.suggestions.headers import parse_header
from segdsl import FieldType

SKU = "sku"
NAME = "name"


@dataclass(frozen=True)
class Target:
    """A name the vocabulary suggests: a built-in (sku, name; no field type) or a schema field."""

    name: str
    field_type: FieldType | None
    description: str


# target, type, description, {strength: spellings}. A table: the formatter's one-item-per-line would
# stretch it over ten times the lines.
# fmt: off
_ENTRIES: tuple[tuple[str, FieldType | None, str, dict[float, tuple[str, ...]]], ...] = (
    (SKU, None, "Stock keeping unit", {
        1.0: ("sku", "variant sku", "item sku", "product sku", "seller sku", "merchant sku", "sku code",
              "product code sku", "product number", "productNumber", "internal reference", "default code",
              "reference #", "reference", "article number", "article no", "item number", "stock code",
              "offer id", "part sku"),
        0.7: ("id", "item id", "product code", "code"),
        0.6: ("product id", "handle", "product handle", "variant id"),
    }),
    (NAME, None, "Product name", {
        1.0: ("name", "title", "product name", "product title", "item name", "article name"),
        0.8: ("display name", "product label"),
    }),
    ("brand", "string", "Product brand", {
        1.0: ("brand", "brand name", "brands", "vendor"),
        0.85: ("manufacturer", "manufacturer name", "product brand"),
    }),
    ("price", "price", "Selling price", {
        1.0: ("price", "variant price", "regular price", "standard price", "selling price", "sales price",
              "price tax excluded", "price gross", "product price", "base price"),
        0.85: ("price net", "price excl tax", "price incl tax", "price tax included", "net price"),
        0.7: ("sale price", "unit price", "current price"),
    }),
    ("compare_at_price", "price", "Reference price shown struck through", {
        1.0: ("compare at price", "variant compare at price", "compare price", "was price", "original price",
              "old price", "list price", "msrp", "rrp"),
        0.85: ("msrp price", "retail price", "manufacturer suggested retail price"),
    }),
    ("cost", "price", "Cost to the merchant", {
        1.0: ("cost", "cost price", "cost per item", "unit cost", "wholesale price", "purchase price",
              "cost of goods sold", "buying price"),
    }),
    ("currency", "string", "ISO 4217 currency of the prices", {1.0: ("currency", "currency code")}),
    ("inventory_count", "number", "Stock quantity", {
        1.0: ("inventory count", "inventory quantity", "inventory qty", "variant inventory qty",
              "variant inventory quantity", "quantity", "qty", "stock", "stock quantity", "stock qty",
              "stock level", "current stock level", "current stock", "stock on hand", "stockOnHand",
              "on hand", "available quantity", "quantity available", "qty available", "quantity in stock",
              "qty in stock", "units in stock", "inventory"),
    }),
    ("category", "string", "Product category", {
        1.0: ("category", "categories", "product category", "category path"),
    }),
    ("product_type", "string", "Product type", {
        1.0: ("product type", "type", "feed product type", "product kind"),
        0.7: ("family", "item type"),
    }),
    ("tags", "array", "Tags", {
        1.0: ("tags", "tag", "product tags"),
        0.7: ("keywords", "generic keywords", "search keywords", "search terms"),
    }),
    ("description", "text", "Product description", {
        1.0: ("description", "product description", "body", "body html", "long description",
              "full description"),
        0.7: ("sale description", "sales description", "details"),
    }),
    ("short_description", "text", "Short description", {
        1.0: ("short description", "description short", "short desc"),
        0.85: ("summary", "excerpt"),
        0.7: ("teaser",),
    }),
    ("color", "string", "Color", {
        1.0: ("color", "colour", "color name", "colour name"),
        0.7: ("main color", "main colour"),
    }),
    ("size", "string", "Size", {1.0: ("size", "size name")}),
    ("material", "string", "Material", {
        1.0: ("material", "materials", "material type", "material composition"),
        0.8: ("outer material type", "fabric", "composition"),
    }),
    ("gender", "string", "Target gender", {1.0: ("gender", "target gender"), 0.8: ("sex",)}),
    ("age_group", "string", "Target age group", {
        1.0: ("age group",),
        0.8: ("age range description", "age range"),
    }),
    ("weight", "number", "Weight", {
        1.0: ("weight", "variant weight", "product weight", "item weight", "net weight"),
        0.9: ("variant grams", "grams"),
        0.8: ("shipping weight", "gross weight", "package weight"),
    }),
    ("image_url", "url", "Main image URL", {
        1.0: ("image url", "image", "image src", "image link", "main image url", "main image", "base image",
              "product image url", "featured image", "primary image", "image 1 url", "image1 src"),
        0.85: ("cover media url", "cover image", "product image file", "image file", "product image"),
        0.75: ("picture", "photo", "variant image", "variant image url"),
        0.6: ("thumbnail", "thumbnail url", "product thumbnail", "thumbnail image", "small image"),
    }),
    ("additional_image_urls", "array", "More image URLs", {
        1.0: ("additional image urls", "additional images", "additional image link", "other image url",
              "images", "image urls", "gallery", "gallery images", "gallery image urls", "more images",
              "extra images", "alternate images"),
    }),
    ("url", "url", "Product page URL", {
        1.0: ("url", "link", "product url", "product link", "product page url", "landing page url"),
        0.8: ("permalink", "canonical url", "web url"),
    }),
    ("gtin", "string", "GTIN (EAN, UPC, ISBN)", {
        1.0: ("gtin", "barcode", "variant barcode", "ean", "ean13", "ean 13", "gtin 13", "gtin 14",
              "global trade item number", "upc ean", "product upc ean", "barcode ean", "ean barcode"),
        0.9: ("upc", "isbn", "jan", "global trade number"),
        0.8: ("external product id",),
    }),
    ("mpn", "string", "Manufacturer part number", {
        1.0: ("mpn", "manufacturer part number", "mfr part number", "mfg part number", "part number"),
    }),
    ("condition", "string", "Condition (new, used, refurbished)", {
        1.0: ("condition", "condition type", "product condition", "item condition"),
    }),
    ("availability", "string", "Availability (in stock, out of stock, preorder)", {
        1.0: ("availability", "stock status", "product availability", "stock availability"),
    }),
    ("status", "string", "Status", {1.0: ("status", "product status"), 0.85: ("product online", "state")}),
    ("published", "boolean", "Published", {
        1.0: ("published", "is published", "published on online store", "enabled", "active", "is active"),
        0.85: ("product visible", "is visible", "visible"),
    }),
    ("release_date", "date", "Release date", {
        1.0: ("release date", "launch date", "product site launch date"),
        0.8: ("available on", "available date", "product available date", "availability date"),
    }),
)
# The same in German, French, Spanish, Italian, Portuguese, Dutch and Turkish (ikas exports in
# Turkish: "Satis Fiyati", "Alis Fiyati", "Varyant Aktiflik", "Stok:Ana Depo"), at full strength.
# Words with another meaning in English stay out (French "genre" for gender).
_OTHER_LANGUAGES: dict[str, str] = {
    SKU: "artikelnummer | artikel nr | art nr | referencia | riferimento | referentie | stok kodu",
    NAME: "bezeichnung | artikelbezeichnung | artikelname | produktname | nom | nom du produit | titre"
          " | nombre | titulo | nome | naam | isim | urun adi",
    "brand": "marke | marque | marca | merk | marka",
    "price": "preis | verkaufspreis | prix | prix de vente | precio | prezzo | preco | prijs | fiyat"
             " | satis fiyati",
    "compare_at_price": "uvp | streichpreis | prix barre",
    "cost": "einkaufspreis | prix d achat | precio de coste | costo | alis fiyati",
    "currency": "waehrung | wahrung | devise | moneda | valuta | moeda | para birimi",
    "inventory_count": "bestand | lagerbestand | menge | anzahl | quantite | cantidad | existencias"
                       " | quantita | quantidade | estoque | voorraad | stok | stok adedi",
    "category": "kategorie | categorie | categoria | kategori | kategoriler",
    "product_type": "produkttyp | produktart | type de produit | tipo de producto | tip",
    "tags": "schlagworte | schlagwoerter | etiquettes | etiquetas | etiketler | etiket",
    "description": "beschreibung | produktbeschreibung | descriptif | descripcion | descrizione | descricao"
                   " | omschrijving | beschrijving | aciklama | urun aciklamasi",
    "short_description": "kurzbeschreibung | description courte | descripcion corta | kisa aciklama",
    "color": "farbe | couleur | colore | cor | kleur | renk",
    "size": "groesse | grosse | taille | talla | taglia | tamanho | maat | beden",
    "material": "materiau | matiere | materiale | malzeme",
    "gender": "geschlecht | genero | sesso | cinsiyet",
    "age_group": "altersgruppe | tranche d age | grupo de edad | yas grubu",
    "weight": "gewicht | poids | peso | gewicht kg | agirlik",
    "image_url": "bild | bild url | bildurl | url de l image | imagen | immagine | imagem | afbeelding"
                 " | resim | resim url",
    "additional_image_urls": "weitere bilder | zusaetzliche bilder | ek resimler",
    "url": "produkt url | lien | enlace",
    "gtin": "barkod | barkod listesi | codigo de barras | code barre | strichcode",
    "condition": "zustand | etat | estado del producto | kondisyon",
    "status": "statut | estado | stato | durum",
    "published": "aktiv | actif | activo | attivo | ativo | aktif | varyant aktiflik",
    "release_date": "erscheinungsdatum | date de sortie | fecha de lanzamiento",
}
# fmt: on


def _spellings() -> Mapping[str, tuple[str, float]]:
    index: dict[str, tuple[str, float]] = {}
    groups = [
        (target, strength, spellings) for target, _, _, by in _ENTRIES for strength, spellings in by.items()
    ]
    groups += [(target, 1.0, tuple(words.split(" | "))) for target, words in _OTHER_LANGUAGES.items()]
    for target, strength, spellings in groups:
        for spelling in spellings:
            key = parse_header(spelling).key
            if index.get(key, (target,))[0] != target:
                raise ValueError(f"{spelling!r} is a spelling of both {index[key][0]} and {target}")
            index.setdefault(key, (target, strength))
    return MappingProxyType(index)


TARGETS: Mapping[str, Target] = MappingProxyType(
    {name: Target(name, field_type, description) for name, field_type, description, _ in _ENTRIES}
)
# Normalised header key -> (target, strength).
SPELLINGS: Mapping[str, tuple[str, float]] = _spellings()

# Columns that tie variant rows to their product (Shopify `Handle`, Medusa `Product Handle`, Spree
# `slug`, ikas `Ürün Grup ID`, Google Merchant Center `item_group_id`, Amazon `parent_sku`): rows
# that follow one another with the same value are one product's variants.
_VARIANT_GROUP_KEYS = frozenset(
    parse_header(spelling).key
    for spelling in ("handle", "product handle", "slug", "item group id", "parent sku", "urun grup id")
)


def variant_group_column(headers: Sequence[str]) -> int | None:
    """The position of the column that groups variant rows, if the file has one."""
    return next(
        (index for index, header in enumerate(headers) if parse_header(header).key in _VARIANT_GROUP_KEYS),
        None,
    )
