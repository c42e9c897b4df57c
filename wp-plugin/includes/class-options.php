<?php
/**
 * The plugin's stored settings: hub URL and token, WooCommerce REST keys, and the hub connection id.
 *
 * Every option is stored with autoload off: they are read only on the Dockhand page and its REST routes.
 *
 * @package Dockhand
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads and writes the plugin's options. Secrets (hub token, consumer secret) are never returned
 * to the browser; public_state() says only whether they are set.
 */
class Dockhand_Options {

	const HUB_URL         = 'dockhand_hub_url';
	const HUB_TOKEN       = 'dockhand_hub_token';
	const CONSUMER_KEY    = 'dockhand_wc_consumer_key';
	const CONSUMER_SECRET = 'dockhand_wc_consumer_secret';
	const CONNECTION_ID   = 'dockhand_connection_id';
	const GOODS_OWNER_ID  = 'dockhand_goods_owner_id';

	/** Pending "create keys in WooCommerce" request (one-time state), kept as a transient. */
	const KEYS_STATE_TRANSIENT = 'dockhand_wc_keys_state';

	/**
	 * Every option name, for uninstall.php.
	 *
	 * @return string[]
	 */
	public static function all_option_names() {
		return array(
			self::HUB_URL,
			self::HUB_TOKEN,
			self::CONSUMER_KEY,
			self::CONSUMER_SECRET,
			self::CONNECTION_ID,
			self::GOODS_OWNER_ID,
		);
	}

	/**
	 * One option as a string ('' when unset).
	 *
	 * @param string $name Option name (one of the constants).
	 * @return string
	 */
	public function get( $name ) {
		$value = get_option( $name, '' );
		return is_string( $value ) ? $value : '';
	}

	/**
	 * Stores one option with autoload off. add_option() is used the first time because
	 * update_option() only changes autoload together with a changed value.
	 *
	 * @param string $name  Option name (one of the constants).
	 * @param string $value Sanitised value.
	 * @return void
	 */
	public function set( $name, $value ) {
		if ( false === get_option( $name, false ) ) {
			add_option( $name, $value, '', 'no' );
			return;
		}
		update_option( $name, $value, false );
	}

	/**
	 * Removes one option.
	 *
	 * @param string $name Option name.
	 * @return void
	 */
	public function delete( $name ) {
		delete_option( $name );
	}

	/**
	 * The hub URL without a trailing slash.
	 *
	 * @return string
	 */
	public function hub_url() {
		return untrailingslashit( $this->get( self::HUB_URL ) );
	}

	/**
	 * Whether the hub URL and token are stored.
	 *
	 * @return bool
	 */
	public function has_hub() {
		return '' !== $this->hub_url() && '' !== $this->get( self::HUB_TOKEN );
	}

	/**
	 * The last characters of a secret-ish value, as WooCommerce shows keys ("…a1b2c3d").
	 *
	 * @param string $value The value.
	 * @return string
	 */
	public static function hint( $value ) {
		return strlen( $value ) > 7 ? '…' . substr( $value, -7 ) : '';
	}

	/**
	 * What the admin page may know: no token, no consumer secret.
	 *
	 * @return array<string, mixed>
	 */
	public function public_state() {
		$key = $this->get( self::CONSUMER_KEY );
		return array(
			'hub_url'             => $this->hub_url(),
			'has_hub_token'       => '' !== $this->get( self::HUB_TOKEN ),
			'consumer_key_hint'   => self::hint( $key ),
			'has_consumer_secret' => '' !== $this->get( self::CONSUMER_SECRET ),
			'connection_id'       => $this->get( self::CONNECTION_ID ),
			'goods_owner_id'      => $this->get( self::GOODS_OWNER_ID ),
		);
	}
}
