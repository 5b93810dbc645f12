// A Leaflet map for places, shared by the editor's place map and the listener's walk map. With a
// tile URL from /config.json it shows those tiles; without one (the default: no tile server is
// assumed) it draws a plain metric grid, so shapes, pins and distances still read correctly with
// no network beyond the backend.
import L from 'leaflet';
import type { WebConfigFile } from '@gencaster/domain';
import type { LatLon, PlaceShapeView } from './place-shape.ts';
import { readWebConfig } from './web-config.ts';

/** Tiles as the backend's `/config.json` names them (`mapTileUrl` null: no tiles). */
export type MapTiles = Pick<WebConfigFile, 'mapTileUrl' | 'mapAttribution'>;

/** Reads the map tile settings from the backend's `/config.json`; none when it has none. */
export async function loadMapTiles(configUrl = '/config.json'): Promise<MapTiles> {
  try {
    const config = await readWebConfig(configUrl);
    return { mapTileUrl: config.mapTileUrl ?? null, mapAttribution: config.mapAttribution ?? '' };
  } catch {
    return { mapTileUrl: null, mapAttribution: '' };
  }
}

/** Where a map with nothing on it starts (the Berlin city centre, where Gencaster is from). */
export const defaultMapCenter: LatLon = { lat: 52.52, lon: 13.405 };

/** Leaflet's order of a position. */
export const toLatLng = (point: LatLon): L.LatLngTuple => [point.lat, point.lon];
/** A Leaflet position as the API spells it (longitude wrapped into [-180, 180]). */
export const fromLatLng = (point: L.LatLng): LatLon => ({
  lat: point.lat,
  lon: point.wrap().lng,
});

const gridSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000];

/**
 * A canvas layer that draws grid lines a round number of metres apart (about every 80–200 px) and
 * labels the spacing, redrawn on every move and zoom. It stands in for map tiles.
 */
function createMetricGrid(): L.Layer {
  const Grid = L.Layer.extend({
    onAdd(this: L.Layer & { _canvas?: HTMLCanvasElement; _draw?: () => void }, map: L.Map) {
      const canvas = L.DomUtil.create('canvas', 'metric-grid');
      canvas.dataset.test = 'metric-grid';
      Object.assign(canvas.style, { position: 'absolute', left: '0', top: '0', zIndex: '0' });
      map.getContainer().style.background = '#f8fafc';
      map.getPanes().tilePane.appendChild(canvas);
      const draw = () => {
        const size = map.getSize();
        const topLeft = map.containerPointToLayerPoint([0, 0]);
        L.DomUtil.setPosition(canvas, topLeft);
        canvas.width = size.x;
        canvas.height = size.y;
        const context = canvas.getContext('2d');
        if (!context) return;
        const center = map.getCenter();
        const metresPerPixel =
          map.distance(
            map.containerPointToLatLng([size.x / 2, size.y / 2]),
            map.containerPointToLatLng([size.x / 2 + 100, size.y / 2]),
          ) / 100;
        const step = gridSteps.find((metres) => metres / metresPerPixel >= 80) ?? 50_000;
        const stepPx = step / metresPerPixel;
        // Lines through a fixed origin (the map centre rounded to the step) so they do not swim.
        const origin = map.latLngToContainerPoint(center);
        const offsetX = ((origin.x % stepPx) + stepPx) % stepPx;
        const offsetY = ((origin.y % stepPx) + stepPx) % stepPx;
        context.strokeStyle = '#e2e8f0';
        context.lineWidth = 1;
        context.beginPath();
        for (let x = offsetX; x < size.x; x += stepPx) {
          context.moveTo(Math.round(x) + 0.5, 0);
          context.lineTo(Math.round(x) + 0.5, size.y);
        }
        for (let y = offsetY; y < size.y; y += stepPx) {
          context.moveTo(0, Math.round(y) + 0.5);
          context.lineTo(size.x, Math.round(y) + 0.5);
        }
        context.stroke();
        context.fillStyle = '#64748b';
        context.font = '11px sans-serif';
        const label = step >= 1000 ? `${step / 1000} km grid` : `${step} m grid`;
        // Top right: the scale bar and the attribution hold the bottom corners.
        context.textAlign = 'right';
        context.fillText(`${label} · no map tiles configured`, size.x - 8, 16);
      };
      this._canvas = canvas;
      this._draw = draw;
      map.on('move zoom resize viewreset', draw);
      draw();
      return this;
    },
    onRemove(this: L.Layer & { _canvas?: HTMLCanvasElement; _draw?: () => void }, map: L.Map) {
      if (this._draw) map.off('move zoom resize viewreset', this._draw);
      this._canvas?.remove();
      return this;
    },
  });
  return new Grid() as L.Layer;
}

/** Options of {@link createPlaceMap}. */
export interface PlaceMapOptions {
  tiles: MapTiles;
  center?: LatLon;
  zoom?: number;
}

/**
 * A Leaflet map in `element`: the configured tiles, or the metric grid without them; a scale bar
 * either way. The caller removes it (`map.remove()`) when its component unmounts.
 */
export function createPlaceMap(element: HTMLElement, options: PlaceMapOptions): L.Map {
  const map = L.map(element, {
    center: toLatLng(options.center ?? defaultMapCenter),
    zoom: options.zoom ?? 16,
    maxZoom: 21,
    doubleClickZoom: false,
  });
  if (options.tiles.mapTileUrl) {
    L.tileLayer(options.tiles.mapTileUrl, {
      attribution: options.tiles.mapAttribution,
      maxZoom: 21,
      maxNativeZoom: 19,
    }).addTo(map);
  } else {
    createMetricGrid().addTo(map);
  }
  L.control.scale({ metric: true, imperial: false }).addTo(map);
  return map;
}

/** The Leaflet layer of a place's shape (a circle in metres or a polygon). */
export function shapeLayer(shape: PlaceShapeView, style: L.PathOptions = {}): L.Circle | L.Polygon {
  return shape.kind === 'circle'
    ? L.circle(toLatLng(shape.center), { radius: shape.radiusM, ...style })
    : L.polygon(shape.vertices.map(toLatLng), style);
}

/** Fits the view to the shapes; leaves it where it is when there are none. */
export function fitShapes(map: L.Map, shapes: readonly PlaceShapeView[], maxZoom = 18): void {
  if (shapes.length === 0) return;
  const bounds = L.latLngBounds([]);
  for (const shape of shapes) {
    if (shape.kind === 'circle') {
      bounds.extend(L.latLng(toLatLng(shape.center)).toBounds(shape.radiusM * 2));
    } else {
      for (const vertex of shape.vertices) bounds.extend(toLatLng(vertex));
    }
  }
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom });
}
